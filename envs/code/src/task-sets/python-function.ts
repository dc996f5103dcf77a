// HumanEval- and MBPP-style tasks: one Python function in solution.py, judged by the suite's own
// test in the judge's harness (the test never reaches the workspace or the judge's disk).
import { PASSED, type TaskInstance } from '../tasks/task.js';
import { SUBMIT, writeThenSubmit } from '../tasks/expert/step.js';
import { referenceExpert } from './expert.js';

/** The scripted attempts every Python-function task must fail (the conformance check plays them). */
export const PYTHON_FUNCTION_NEAR_MISSES = ['submit-start', 'print-pass', 'exit-zero'];

/** The workspace file the agent completes. */
export const SOLUTION_FILE = 'solution.py';
const MODULE = 'solution';
// Upstream HumanEval gives a whole program 3 s; the harness gives each case more, so a correct
// solution is not failed by a loaded machine (docs/envs/code.md, "Task sets").
const CASE_SECONDS = 10;

/** What a Python-function task of a suite is made of. */
export interface PythonFunctionTask {
  /** The suite's task id as the file spells it (`HumanEval/0`, `11`). */
  taskId: string;
  suite: string;
  instruction: string;
  /** solution.py at the start (HumanEval: the prompt, an empty body). */
  start: string;
  /** solution.py of the dataset's reference solution. */
  reference: string;
  /**
   * Python source run, for each case, in the solution module's own globals (as the suite's own
   * evaluation runs solution and test as one program: a test may call the prompt's helpers,
   * MBPP's setup code may define names the solution uses); the case passes when it raises nothing.
   */
  tests: string[];
}

/**
 * The task as a TaskInstance: the workspace holds solution.py, the hidden check runs each test
 * in the judge's harness, and the expert writes the dataset's reference solution.
 */
export function pythonFunctionInstance(task: PythonFunctionTask): TaskInstance {
  return {
    instruction: task.instruction,
    files: { [SOLUTION_FILE]: task.start },
    check: {
      kind: 'passes',
      reference: { [SOLUTION_FILE]: task.reference },
      hidden: {},
      test: {
        kind: 'python-cases',
        prelude: `import ${MODULE} as __workgym_solution`,
        cases: task.tests.map(testCase),
        seconds: CASE_SECONDS,
      },
    },
    expert: referenceExpert({ [SOLUTION_FILE]: task.reference }, `${task.suite} ${task.taskId}`, task.instruction, {
      'submit-start': () => ({ call: SUBMIT, text: 'near-miss submit-start: submit the starting file' }),
      'print-pass': (view) => writeThenSubmit('print-pass', { [SOLUTION_FILE]: `${task.start}\nprint("PASS")\n` }, view),
      'exit-zero': (view) => writeThenSubmit('exit-zero', { [SOLUTION_FILE]: `${task.start}\nimport os\nprint("PASS")\nos._exit(0)\n` }, view),
    }),
    // No candidate writes the solution: the observation would show the dataset's answer.
    candidates: [
      { name: 'read_file', arguments: { path: SOLUTION_FILE } },
      { name: 'submit', arguments: {} },
    ],
  };
}

/** A harness case: runs `source` in the solution module's globals; PASSED when it raises nothing. */
function testCase(source: string): string {
  // A JSON string is a valid Python string literal.
  return `(exec(compile(${JSON.stringify(source)}, '<hidden test>', 'exec'), vars(__workgym_solution)), ${JSON.stringify(PASSED)})[1]`;
}

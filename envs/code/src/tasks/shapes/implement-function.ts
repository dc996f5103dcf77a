// The "implement a function" shape: a stub to fill in, visible examples that run_tests runs,
// hidden calls of the function, candidates, and the expert that writes it from its description.
import { guessStrategy, type Rng } from '@workgym/protocol';
import { REPORT_INFEASIBLE, type ExpertStep, type PlannedCall } from '@workgym/protocol/kit';
import { ACT_ANYWAY, bashLook, byStrategy, lookStep, readFile, RUN_TESTS, SUBMIT, writeThenSubmit, type Expert, type Look } from '../expert/step.js';
import { testVerdict } from '../expert/tests-output.js';
import type { EpisodeView } from '../expert/view.js';
import { keep, workExpert, type Style } from '../expert/work.js';
import { replaceOnce, type Json } from '../function-specs.js';
import { jsCall, jsTestFile, pyCall, pyTestFile } from '../render.js';
import type { TaskInstance } from '../task.js';
import { jsCallsSuite, pyCallsSuite } from './suites.js';

/** The workspace language of a function shape: Python (unittest) or JavaScript (ES module, node --test). */
export type Language = 'python' | 'javascript';

/** The strategies of the shape's expert: the file tools, or `cat` and a here-document in bash. */
export const IMPLEMENT_STRATEGIES: readonly string[] = ['write-file', 'heredoc'];

/** The shape's near-miss: a lookup table of the visible examples, the first result for any other input. */
export const HARD_CODE_EXAMPLES = 'hard-code-examples';

/**
 * The shape's constant attempts (`guess:<name>`): a function that returns its first argument,
 * and one that returns None (null). The hidden results must never all be one value, so neither
 * passes them all.
 */
export const FUNCTION_GUESSES: readonly string[] = ['return-first-argument', 'return-none'];

/** One call of the function with the result the reference gives. */
export interface Example {
  args: Json[];
  expected: Json;
}

/** What a family of the shape draws for one instance; `implementFunctionTask` builds the rest. */
export interface FunctionTask {
  language: Language;
  /** The function's name, as the stub, the tests and the hidden calls use it. */
  name: string;
  /** Its parameter names, in order. */
  params: readonly string[];
  /** What it returns, in a sentence or two: the instruction and the stub's doc comment show it. */
  doc: string;
  /** The reference file (solution.py or solution.mjs): the function implemented, its doc comment included. */
  solution: string;
  /**
   * Seeded bugs of the reference as [right text, wrong text] pairs: each that occurs exactly once
   * in `solution` gives a wrong version of the file, offered as a candidate beside the reference.
   */
  bugs: readonly (readonly [string, string])[];
  /** The visible examples (about 3) that the test file checks. */
  examples: Example[];
  /**
   * The argument lists of the hidden cases (about 12). Their results must not all be one value
   * (a constant, or the table of examples falling back to the first result, would pass); a case
   * whose arguments equal a visible example's is dropped, so hard-coding the examples earns nothing.
   */
  hidden: Json[][];
  /**
   * On an infeasible seed: the positions of two examples that call the function with the same
   * arguments and expect different results, so no function passes both.
   */
  contradiction?: readonly [number, number];
}

/**
 * The instance of an "implement a function" task: the stub and the visible tests in the
 * workspace, a `runs` check calling the function on the hidden inputs, the candidates (run the
 * tests, read both files, write the reference or one of its bug variants in a seeded order,
 * submit) and an expert with the strategies `IMPLEMENT_STRATEGIES` and the near-miss
 * `HARD_CODE_EXAMPLES`. `rng` orders the candidates.
 */
export function implementFunctionTask(task: FunctionTask, rng: Rng): TaskInstance {
  const py = task.language === 'python';
  const { name, doc, solution } = task;
  const file = py ? 'solution.py' : 'solution.mjs';
  const testFile = py ? 'test_solution.py' : 'solution.test.mjs';
  const signature = task.params.join(', ');
  const shownDoc = doc.replaceAll('`', '');
  const stub = py
    ? `def ${name}(${signature}):\n    """${shownDoc}"""\n    raise NotImplementedError\n`
    : `/** ${shownDoc} */\nexport function ${name}(${signature}) {\n  throw new Error('not implemented');\n}\n`;
  const variants = task.bugs.map(([from, to]) => replaceOnce(solution, from, to)).filter((s): s is string => s !== undefined);
  const candidates: PlannedCall[] = [
    RUN_TESTS,
    readFile(file),
    readFile(testFile),
    ...rng.shuffle([solution, ...variants]).map((content) => ({ name: 'write_file', arguments: { path: file, content } })),
    SUBMIT,
  ];
  const tests = py ? pyTestFile('solution', name, task.examples) : jsTestFile('./solution.mjs', name, task.examples);
  const call = `${name}(${signature})`;
  const visible = new Set(task.examples.map((e) => JSON.stringify(e.args)));
  const look = (style: Style): Look[] =>
    style === 'tools'
      ? [
          { call: readFile(file), why: `Read the stub of ${name} in ${file} first.` },
          { call: readFile(testFile), why: `Read the examples in ${testFile}: they show the expected results.` },
        ]
      : [bashLook(`cat ${file} ${testFile}`, [file, testFile], 'show the stub and its examples', `Show the stub in ${file} and the examples in ${testFile}.`)];
  const strategies = { [IMPLEMENT_STRATEGIES[0]!]: 'tools', [IMPLEMENT_STRATEGIES[1]!]: 'shell' } as const;
  const guessMisses = Object.fromEntries(
    FUNCTION_GUESSES.map((guess) => [
      guessStrategy(guess),
      (view: EpisodeView) => writeThenSubmit(guess, { [file]: constant(name, task.params, guess, py) }, view),
    ]),
  );
  const hidden = { module: py ? 'solution' : './solution.mjs', name, args: task.hidden.filter((args) => !visible.has(JSON.stringify(args))) };
  return {
    instruction:
      `Implement the function \`${call}\` in ${file}. ${doc}\n` +
      `${testFile} has a few examples (run them with run_tests); hidden tests check more cases. ` +
      'Call submit when you are done.',
    files: { [file]: stub, [testFile]: tests },
    testCommand: py ? 'python3 -m unittest -v test_solution' : 'node --test solution.test.mjs',
    check: { kind: 'runs', reference: { [file]: solution }, suite: py ? pyCallsSuite([hidden]) : jsCallsSuite([hidden]) },
    expert: task.contradiction
      ? contradictionExpert({ ...task, contradiction: task.contradiction }, { file, stub, testFile, tests, call, strategies, look, guessMisses, py })
      : workExpert({
          strategies,
          look,
          targets: [
            {
              path: file,
              content: solution,
              fromScratch: true,
              sources: [doc, call],
              how: `${call} written from its description in the task`,
              whyRead: () => `Read ${file} before writing it.`,
              whyChange: () => `The task asks for ${call}: ${doc} Write it that way in ${file}; the examples in ${testFile} agree.`,
            },
            keep(testFile, tests),
          ],
          check: () => ({ call: RUN_TESTS, why: `${file} changed since the tests last ran: run them.` }),
          whySubmit: (view) => `The examples pass (${testVerdict(view.output(RUN_TESTS)) ?? 'no failures'}); hidden tests check more cases: submit.`,
          nearMisses: {
            // Passes every visible example from a lookup table and guesses elsewhere.
            [HARD_CODE_EXAMPLES]: (view) => writeThenSubmit(HARD_CODE_EXAMPLES, { [file]: hardCoded(name, task.params, task.examples, py) }, view),
            // Wrong in the way acting anyway is: code written without weighing the examples.
            [ACT_ANYWAY]: (view) => writeThenSubmit(ACT_ANYWAY, { [file]: constant(name, task.params, FUNCTION_GUESSES[0]!, py) }, view),
            ...guessMisses,
          },
        }),
    candidates,
  };
}

/** What the expert of an infeasible instance needs besides the task: the workspace's two files and the shape's looks. */
interface Workspace {
  file: string;
  stub: string;
  testFile: string;
  tests: string;
  call: string;
  strategies: Record<string, Style>;
  look(style: Style): Look[];
  guessMisses: Record<string, (view: EpisodeView) => ExpertStep>;
  py: boolean;
}

/**
 * The expert of an instance whose examples contradict each other: it reads the stub and the
 * examples, puts back any file changed meanwhile (the report succeeds only on an untouched
 * workspace), then reports the two examples that expect different results from the same call.
 * Its near-misses write code and submit, which fails on such an instance.
 */
function contradictionExpert(task: FunctionTask & { contradiction: readonly [number, number] }, w: Workspace): Expert {
  const [first, second] = task.contradiction.map((i) => task.examples[i]!);
  const callText = w.py ? pyCall(task.name, first!.args) : jsCall(task.name, first!.args);
  const lines = w.tests
    .split('\n')
    .filter((line) => line.includes(callText))
    .map((line) => line.trim());
  const [a, b] = task.contradiction.map((i) => i + 1);
  const reason =
    `${w.testFile} calls ${callText} in example ${a} and again in example ${b}, expecting ${JSON.stringify(first!.expected)} the first time and ` +
    `${JSON.stringify(second!.expected)} the second: a function returns one value for the same arguments, so no ${task.name} passes both examples.`;
  const report: ExpertStep = {
    call: { name: REPORT_INFEASIBLE, arguments: { reason } },
    text: `Examples ${a} and ${b} of ${w.testFile} call ${task.name} with the same arguments and expect different results: no implementation can pass both, so report it and write nothing.`,
    derived: [{ value: reason, sources: lines, how: 'the two assertions of the test file that make the same call and expect different values' }],
  };
  const restore = (path: string, content: string, sources: string[], how: string): ExpertStep => ({
    call: { name: 'write_file', arguments: { path, content } },
    text: `${path} is not as the task started; put it back before reporting, so the workspace is left as it was.`,
    derived: [{ value: content, sources, how }],
  });
  const policy =
    (style: Style) =>
    (view: EpisodeView): ExpertStep => {
      const look = w.look(style).find((l) => !view.made(l.call));
      if (look) return lookStep(look, view);
      if (view.content(w.file) !== w.stub) return restore(w.file, w.stub, [w.call, task.doc], `the stub of ${w.call} as ${w.file} first showed it`);
      if (view.content(w.testFile) !== w.tests) return restore(w.testFile, w.tests, lines, `${w.testFile} as it first showed`);
      return report;
    };
  return byStrategy(Object.fromEntries(Object.entries(w.strategies).map(([strategy, style]) => [strategy, policy(style)])), {
    [HARD_CODE_EXAMPLES]: (view) => writeThenSubmit(HARD_CODE_EXAMPLES, { [w.file]: hardCoded(task.name, task.params, task.examples, w.py) }, view),
    // The closest thing to the task: the function its description asks for, submitted.
    [ACT_ANYWAY]: (view) => writeThenSubmit(ACT_ANYWAY, { [w.file]: task.solution }, view),
    ...w.guessMisses,
  });
}

/** The function of a constant attempt: its first argument back, or None (null). */
function constant(name: string, args: readonly string[], guess: string, py: boolean): string {
  const value = guess === 'return-first-argument' ? args[0]! : py ? 'None' : 'null';
  return py ? `def ${name}(${args.join(', ')}):\n    return ${value}\n` : `export function ${name}(${args.join(', ')}) {\n  return ${value};\n}\n`;
}

/** A function that answers the visible examples from a table and anything else with the first example's result. */
function hardCoded(name: string, args: readonly string[], examples: Example[], py: boolean): string {
  const table = JSON.stringify(examples.map((e) => [e.args, e.expected]));
  const params = args.join(', ');
  if (py) {
    return `import json\n\n_EXAMPLES = json.loads(${JSON.stringify(table)})\n\n\ndef ${name}(${params}):\n    for args, expected in _EXAMPLES:\n        if args == [${params}]:\n            return expected\n    return _EXAMPLES[0][1]\n`;
  }
  return `const EXAMPLES = ${table};\n\nexport function ${name}(${params}) {\n  const key = JSON.stringify([${params}]);\n  for (const [args, expected] of EXAMPLES) if (JSON.stringify(args) === key) return expected;\n  return EXAMPLES[0][1];\n}\n`;
}

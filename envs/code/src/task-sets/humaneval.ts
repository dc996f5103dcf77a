// HumanEval's JSONL layout (openai/human-eval data/HumanEval.jsonl.gz): one problem a line.
import type { PythonFunctionTask } from './python-function.js';
import { SOLUTION_FILE } from './python-function.js';

/** The fields workgym reads of a HumanEval line (other fields, as in HumanEval+, are allowed and ignored). */
export const HUMANEVAL_SCHEMA = {
  type: 'object',
  required: ['task_id', 'prompt', 'entry_point', 'test', 'canonical_solution'],
  properties: {
    task_id: { type: 'string', minLength: 1 },
    prompt: { type: 'string' },
    entry_point: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    test: { type: 'string' },
    canonical_solution: { type: 'string' },
  },
} as const;

export interface HumanEvalRow {
  task_id: string;
  prompt: string;
  entry_point: string;
  test: string;
  canonical_solution: string;
}

/** Whether a parsed line has HumanEval's fields. */
export function looksLikeHumanEval(row: Record<string, unknown>): boolean {
  return 'prompt' in row && 'entry_point' in row && 'canonical_solution' in row;
}

/**
 * The problem as a Python-function task: solution.py starts as the prompt (signature and
 * docstring, an empty body), the reference is the prompt followed by the canonical solution,
 * and the test is the problem's `check` called on the entry point, as HumanEval's own
 * evaluation builds its program.
 */
export function humanEvalTask(row: HumanEvalRow): PythonFunctionTask {
  return {
    taskId: row.task_id,
    suite: 'HumanEval',
    instruction: [
      `Complete the Python function \`${row.entry_point}\` in ${SOLUTION_FILE}: its signature and docstring there say what it must do.`,
      `Keep its name and signature. When you submit, the task's hidden test (HumanEval ${row.task_id}) checks it.`,
    ].join('\n'),
    start: row.prompt,
    reference: row.prompt + row.canonical_solution,
    tests: [`${row.test}\n\ncheck(${row.entry_point})\n`],
  };
}

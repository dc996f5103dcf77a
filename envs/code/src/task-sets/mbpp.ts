// MBPP's JSONL layout (google-research/mbpp mbpp.jsonl, sanitized-mbpp): one problem a line.
import type { PythonFunctionTask } from './python-function.js';
import { SOLUTION_FILE } from './python-function.js';

/** The fields workgym reads of an MBPP line (other fields are allowed and ignored). */
export const MBPP_SCHEMA = {
  type: 'object',
  required: ['task_id', 'text', 'code', 'test_list'],
  properties: {
    task_id: { type: ['integer', 'string'] },
    text: { type: 'string', minLength: 1 },
    code: { type: 'string' },
    test_list: { type: 'array', minItems: 1, items: { type: 'string' } },
    test_setup_code: { type: 'string' },
    challenge_test_list: { type: 'array', items: { type: 'string' } },
  },
} as const;

export interface MbppRow {
  task_id: number | string;
  text: string;
  code: string;
  test_list: string[];
  test_setup_code?: string;
  challenge_test_list?: string[];
}

/** Whether a parsed line has MBPP's fields. */
export function looksLikeMbpp(row: Record<string, unknown>): boolean {
  return 'text' in row && 'test_list' in row;
}

/**
 * The problem as a Python-function task, with MBPP's usual prompt: the description and the
 * asserts the code must pass. solution.py starts empty of code; each assert of `test_list`
 * (after `test_setup_code`) is one hidden case; `challenge_test_list` is not run, as in MBPP's
 * published scores.
 */
export function mbppTask(row: MbppRow): PythonFunctionTask {
  const setup = row.test_setup_code ?? '';
  return {
    taskId: String(row.task_id),
    suite: 'MBPP',
    instruction: [`${row.text.trim()}`, `Write the code in ${SOLUTION_FILE}. Your code should pass these tests:`, '', ...row.test_list].join('\n'),
    start: `# ${SOLUTION_FILE}: write the code for MBPP task ${row.task_id} here.\n`,
    reference: `${row.code.replace(/\r\n/g, '\n').trimEnd()}\n`,
    tests: row.test_list.map((assertion) => (setup.trim() ? `${setup}\n${assertion}\n` : `${assertion}\n`)),
  };
}

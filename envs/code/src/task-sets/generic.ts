// workgym's own code task format: files the agent sees, files only the judge sees, a check
// command whose exit status decides, and the reference solution the expert writes.
import { TaskSetError } from '@workgym/protocol/kit';
import { shellQuote } from '../tasks/expert/shell.js';
import { SUBMIT, writeThenSubmit } from '../tasks/expert/step.js';
import type { TaskInstance } from '../tasks/task.js';
import { referenceExpert } from './expert.js';

/** A relative path inside the workspace: no leading `/`, no `.` or `..` part, no empty part, no NUL or backslash. */
const RELATIVE_PATH = '^(?!/)(?!.*//)(?!(?:.*/)?\\.\\.?(?:/|$))[^\\u0000\\\\]+$';
const FILES = { type: 'object', propertyNames: { pattern: RELATIVE_PATH }, additionalProperties: { type: 'string' } } as const;
const DEFAULT_TIMEOUT_S = 60;

/** The JSON Schema of one line of a generic code task set (printed in docs/envs/code.md). */
export const GENERIC_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'workgym code task (one line of a .jsonl task set)',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'instruction', 'files', 'check', 'reference'],
  properties: {
    id: {
      description: 'Task id, stable across runs; the family is code/<set>.<id> ([A-Za-z0-9_-] kept, others become -).',
      type: 'string',
      minLength: 1,
      maxLength: 200,
    },
    set: {
      description: "Set name (the family's part before the first dot); default: the file's name without .jsonl(.gz).",
      type: 'string',
      pattern: '^[A-Za-z0-9_-]+$',
    },
    instruction: { description: 'What the agent is asked to do, shown at reset.', type: 'string', minLength: 1 },
    files: { description: 'Workspace files at the start, path -> text; the agent sees them.', ...FILES },
    hidden_files: { description: 'Files only the judge sees, added to the judged copy of the workspace at submit.', ...FILES },
    check: { description: 'Shell command the judge runs in that copy; exit status 0 is success.', type: 'string', minLength: 1 },
    reference: {
      description:
        'The solution: files that turn the start into a solved workspace (the expert writes them). Starting files it leaves out are put back as they were before the check runs.',
      ...FILES,
      minProperties: 1,
    },
    test_command: { description: 'Command the run_tests tool runs in the workspace (visible tests).', type: 'string', minLength: 1 },
    language: { description: 'The language, for the family description (python, shell, ...).', type: 'string', minLength: 1 },
    timeout_s: { description: 'Time limit of the check command, seconds (default 60).', type: 'integer', minimum: 1, maximum: 600 },
  },
} as const;

export interface GenericRow {
  id: string;
  set?: string;
  instruction: string;
  files: Record<string, string>;
  hidden_files?: Record<string, string>;
  check: string;
  reference: Record<string, string>;
  test_command?: string;
  language?: string;
  timeout_s?: number;
}

/** Whether a parsed line is meant as a generic task (it has the format's required fields' names). */
export function looksLikeGeneric(row: Record<string, unknown>): boolean {
  return 'instruction' in row && 'check' in row;
}

/** The scripted attempts every generic task must fail (the conformance check plays them). */
export const GENERIC_NEAR_MISSES = ['submit-untouched', 'edit-visible-files', 'delete-visible-files'];

/**
 * The task as a TaskInstance: the workspace holds `files`; at submit the judge runs `check` in
 * a copy of the workspace where every file of `files` the reference leaves unchanged is put
 * back and `hidden_files` are added (exit 0 = success); the expert writes `reference`.
 */
export function genericInstance(row: GenericRow, set: string, file: string): TaskInstance {
  const hidden = row.hidden_files ?? {};
  const clash = Object.keys(hidden).find((path) => path in row.reference);
  if (clash)
    throw new TaskSetError(`${file}: task ${JSON.stringify(row.id)}: hidden file "${clash}" is also a reference file (the judge would overwrite the solution)`);
  const kept = Object.keys(row.files).filter((path) => !(path in row.reference));
  return {
    instruction: row.instruction,
    files: row.files,
    testCommand: row.test_command,
    check: { kind: 'passes', reference: row.reference, hidden, test: { kind: 'command', command: row.check, timeoutS: row.timeout_s ?? DEFAULT_TIMEOUT_S } },
    expert: referenceExpert(row.reference, `${set} ${row.id}`, row.instruction, {
      'submit-untouched': () => ({ call: SUBMIT, text: 'near-miss submit-untouched: submit the starting workspace' }),
      'edit-visible-files': (view) => writeThenSubmit('edit-visible-files', Object.fromEntries(kept.map((path) => [path, 'print("PASS")\n'])), view),
      'delete-visible-files': (view) => {
        const present = kept.filter((path) => view.content(path) !== undefined);
        if (present.length === 0) return { call: SUBMIT, text: 'near-miss delete-visible-files: submit' };
        const command = `rm -f -- ${present.map(shellQuote).join(' ')}`;
        return { call: { name: 'bash', arguments: { command } }, text: 'near-miss delete-visible-files: delete the visible files the solution does not need' };
      },
    }),
    // No candidate writes the solution: the observation would show the reference.
    candidates: [
      ...Object.keys(row.files)
        .slice(0, 10)
        .map((path) => ({ name: 'read_file', arguments: { path } })),
      ...(row.test_command ? [{ name: 'run_tests', arguments: {} }] : []),
      { name: 'submit', arguments: {} },
    ],
  };
}

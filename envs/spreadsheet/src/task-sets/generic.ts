import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { readJsonLines } from '@workgym/protocol/kit';
import type { BenchCase, BenchTask, ExpectedCells } from '../spreadsheetbench/spreadsheetbench-task.js';

const scalar = { type: ['string', 'number', 'boolean', 'null'] };
const caseProperties = {
  input: { type: 'string', minLength: 1, description: 'The input workbook (.xlsx), relative to the JSONL file.' },
  answer: { type: 'string', minLength: 1, description: 'The answer workbook (.xlsx), relative to the JSONL file: its cached values are the truth.' },
  expected: {
    type: 'object',
    description:
      'Instead of an answer workbook: the values of the answer position by cell ("D2" on the first sheet, or "Sheet2!D2"); cells not named must be empty.',
    additionalProperties: scalar,
  },
};
const oneAnswer = { oneOf: [{ required: ['answer'] }, { required: ['expected'] }] };

/** The generic spreadsheet task format, one task a line (printed in docs/envs/spreadsheet.md). */
export const SPREADSHEET_TASK_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'workgym spreadsheet task',
  type: 'object',
  required: ['id', 'instruction', 'input', 'answer_position'],
  additionalProperties: false,
  properties: {
    id: { type: ['string', 'integer'], minLength: 1, description: 'Stable task id: the family is spreadsheet/<set>.<id>.' },
    instruction: { type: 'string', minLength: 1 },
    answer_position: {
      type: 'string',
      minLength: 1,
      description: "Where the answer goes, SpreadsheetBench's spelling: 'Sheet1'!D2:D20, several ranges separated by commas.",
    },
    ...caseProperties,
    more_cases: {
      type: 'array',
      description: 'Further test cases: the agent’s edits of the first are replayed on each, and each must come out right.',
      items: { type: 'object', required: ['input'], additionalProperties: false, properties: caseProperties, ...oneAnswer },
    },
  },
  ...oneAnswer,
} as const;

interface CaseLine {
  input: string;
  answer?: string;
  expected?: ExpectedCells;
}

interface TaskLine extends CaseLine {
  id: string | number;
  instruction: string;
  answer_position: string;
  more_cases?: CaseLine[];
}

/** One task of a generic JSONL file; its workbooks are read by `load`, at reset. */
export interface GenericEntry {
  id: string;
  /** The line as written (with paths relative to the file), for the verifier version. */
  line: TaskLine;
  load(): Promise<BenchTask>;
}

/** The tasks of a generic spreadsheet JSONL file (see SPREADSHEET_TASK_SCHEMA); a bad line throws a TaskSetError naming line and field. */
export function readGenericTasks(file: string): GenericEntry[] {
  const base = dirname(resolve(file));
  return readJsonLines<TaskLine>(file, SPREADSHEET_TASK_SCHEMA).map((line) => ({
    id: String(line.id),
    line,
    load: async () => ({
      id: String(line.id),
      instruction: line.instruction,
      answerPosition: line.answer_position,
      cases: await Promise.all([line, ...(line.more_cases ?? [])].map((c) => readCase(base, c))),
    }),
  }));
}

async function readCase(base: string, c: CaseLine): Promise<BenchCase> {
  const input = await readFile(resolve(base, c.input));
  return c.answer !== undefined ? { input, answer: await readFile(resolve(base, c.answer)) } : { input, expected: c.expected ?? {} };
}

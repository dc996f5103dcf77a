import { readSpreadsheetBenchFolder } from '../task-sets/spreadsheetbench-folder.js';

/** One SpreadsheetBench instruction with its test cases (input and answer workbooks). */
export interface SpreadsheetBenchTask {
  id: string;
  instruction: string;
  /** "Cell-Level Manipulation" or "Sheet-Level Manipulation" in the dataset. */
  instructionType?: string;
  /** Where the answer goes, e.g. "'Sheet1'!D2:D20" (several ranges separated by commas). */
  answerPosition: string;
  cases: { input: Uint8Array; answer: Uint8Array }[];
}

/** The values a case's answer position must hold, by cell ("D2" on the input's first sheet, or "Sheet2!D2"); cells not named are empty. */
export type ExpectedCells = Record<string, string | number | boolean | null>;

/** A test case: an input workbook and either an answer workbook or the expected cells. */
export type BenchCase = { input: Uint8Array; answer: Uint8Array } | { input: Uint8Array; expected: ExpectedCells };

/** A task scored as SpreadsheetBench scores: SpreadsheetBench's own, or one of the generic format. */
export interface BenchTask extends Omit<SpreadsheetBenchTask, 'cases'> {
  cases: BenchCase[];
}

/** The reset options that carry a SpreadsheetBench task to a server, wherever it runs. */
export interface SpreadsheetBenchOptions {
  spreadsheetbench: {
    id: string;
    instruction: string;
    answer_position: string;
    cases: { input: string; answer: string }[];
  };
}

/**
 * Loads every task of a SpreadsheetBench folder as released: `dataset.json` (a list of {id,
 * instruction, spreadsheet_path, instruction_type, answer_position}) and, in each task's folder,
 * `<n>_<id>_input.xlsx` / `<n>_<id>_answer.xlsx` for test cases n = 1, 2, 3, ...
 */
export async function loadSpreadsheetBench(dir: string): Promise<SpreadsheetBenchTask[]> {
  return Promise.all(readSpreadsheetBenchFolder(dir).map((entry) => entry.load()));
}

/** Reset options for `spreadsheet/spreadsheetbench` that carry this task. */
export function spreadsheetBenchOptions(task: SpreadsheetBenchTask): SpreadsheetBenchOptions {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    spreadsheetbench: {
      id: task.id,
      instruction: task.instruction,
      answer_position: task.answerPosition,
      cases: task.cases.map((c) => ({ input: b64(c.input), answer: b64(c.answer) })),
    },
  };
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

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

/** The reset options that carry a SpreadsheetBench task to a server, wherever it runs. */
export interface SpreadsheetBenchOptions {
  spreadsheetbench: {
    id: string;
    instruction: string;
    answer_position: string;
    cases: { input: string; answer: string }[];
  };
}

interface DatasetEntry {
  id: string | number;
  instruction: string;
  spreadsheet_path: string;
  instruction_type?: string;
  answer_position: string;
}

/**
 * Loads a SpreadsheetBench-format folder: `dataset.json` (a list of {id, instruction,
 * spreadsheet_path, instruction_type, answer_position}) and, in each task's folder,
 * `<n>_<id>_input.xlsx` / `<n>_<id>_answer.xlsx` for test cases n = 1, 2, 3, ...
 */
export async function loadSpreadsheetBench(dir: string, options: { maxCases?: number } = {}): Promise<SpreadsheetBenchTask[]> {
  const entries = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')) as DatasetEntry[];
  const tasks: SpreadsheetBenchTask[] = [];
  for (const e of entries) {
    const id = String(e.id);
    const folder = join(dir, e.spreadsheet_path);
    const cases: SpreadsheetBenchTask['cases'] = [];
    for (let n = 1; n <= (options.maxCases ?? 10); n++) {
      const input = await readFile(join(folder, `${n}_${id}_input.xlsx`)).catch(() => undefined);
      if (!input) break;
      cases.push({ input, answer: await readFile(join(folder, `${n}_${id}_answer.xlsx`)) });
    }
    if (cases.length === 0) throw new Error(`SpreadsheetBench task ${id} has no test case in ${folder} (expected 1_${id}_input.xlsx)`);
    tasks.push({ id, instruction: e.instruction, instructionType: e.instruction_type, answerPosition: e.answer_position, cases });
  }
  return tasks;
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

import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskSetError } from '@workgym/protocol/kit';
import type { SpreadsheetBenchTask } from '../spreadsheetbench/spreadsheetbench-task.js';

/** One task of a released SpreadsheetBench folder: its index entry, its case files, and the workbooks read on demand. */
export interface SpreadsheetBenchEntry {
  id: string;
  instruction: string;
  instructionType?: string;
  answerPosition: string;
  /** The case files, relative to the set's folder, case 1 first. */
  files: { input: string; answer: string }[];
  load(): Promise<SpreadsheetBenchTask>;
}

const ENTRY_FIELDS = { id: ['string', 'number'], instruction: ['string'], spreadsheet_path: ['string'], answer_position: ['string'] } as const;

/**
 * The tasks of a SpreadsheetBench folder as released: `dataset.json` (a list of {id, instruction,
 * spreadsheet_path, instruction_type, answer_position}) and, in each task's folder,
 * `<n>_<id>_input.xlsx` / `<n>_<id>_answer.xlsx` for test cases n = 1, 2, 3, ... Only the index
 * and the folder listings are read here; the workbooks are read by `load`, at reset.
 */
export function readSpreadsheetBenchFolder(dir: string): SpreadsheetBenchEntry[] {
  const index = join(dir, 'dataset.json');
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(index, 'utf8'));
  } catch (error) {
    throw new TaskSetError(`${index}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new TaskSetError(`${index}: must be a JSON list of tasks`);
  return entries.map((raw: unknown, i) => {
    const e = raw as Record<string, unknown>;
    for (const [field, types] of Object.entries(ENTRY_FIELDS)) {
      if (!(types as readonly string[]).includes(typeof e?.[field]))
        throw new TaskSetError(`${index} task ${i + 1}: field "${field}" must be ${types.join(' or ')}`);
    }
    const id = String(e.id);
    const folder = String(e.spreadsheet_path);
    const files = caseFiles(dir, folder, id);
    return {
      id,
      instruction: String(e.instruction),
      ...(typeof e.instruction_type === 'string' ? { instructionType: e.instruction_type } : {}),
      answerPosition: String(e.answer_position),
      files,
      load: async () => ({
        id,
        instruction: String(e.instruction),
        ...(typeof e.instruction_type === 'string' ? { instructionType: e.instruction_type } : {}),
        answerPosition: String(e.answer_position),
        cases: await Promise.all(files.map(async (f) => ({ input: await readFile(join(dir, f.input)), answer: await readFile(join(dir, f.answer)) }))),
      }),
    };
  });
}

/** The case files of a task: every `<n>_<id>_input.xlsx` of its folder, n = 1, 2, ... without a gap, each with its answer. */
function caseFiles(dir: string, folder: string, id: string): { input: string; answer: string }[] {
  let names: Set<string>;
  try {
    names = new Set(readdirSync(join(dir, folder)));
  } catch (error) {
    throw new TaskSetError(`${join(dir, folder)} (task ${id}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const files: { input: string; answer: string }[] = [];
  for (let n = 1; names.has(`${n}_${id}_input.xlsx`); n++) {
    const answer = `${n}_${id}_answer.xlsx`;
    if (!names.has(answer)) throw new TaskSetError(`${join(dir, folder)}: task ${id} has ${n}_${id}_input.xlsx but no ${answer}`);
    files.push({ input: join(folder, `${n}_${id}_input.xlsx`), answer: join(folder, answer) });
  }
  if (files.length === 0) throw new TaskSetError(`${join(dir, folder)}: task ${id} has no test case (expected 1_${id}_input.xlsx and 1_${id}_answer.xlsx)`);
  return files;
}

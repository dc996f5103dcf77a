// Measures the SpreadsheetBench verifier on released data (never committed here): for every case
// of every task, the answer file's values are written back into the case's input through the
// env's write_cells tool and compared as the verifier compares; the written workbook is saved
// for the upstream evaluation.py to judge the same files. The input as given ("doing nothing")
// is compared too. Usage (docs/envs/spreadsheet.md):
//   node --conditions=source --import tsx test/spreadsheetbench-writeback.ts <released folder> <out folder>
// prints one JSON line per case: {id, case, type, position, answer, output, input, ours, nothing}.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WorkbookEditor } from '../src/editor.js';
import { readXlsx, writeXlsx } from '../src/engine/xlsx.js';
import { parseAnswerPosition } from '../src/spreadsheetbench/answer-position.js';
import { compareAnswer } from '../src/spreadsheetbench/compare.js';
import { answerCopyCalls } from '../src/spreadsheetbench/family.js';
import { readSpreadsheetBenchFolder } from '../src/task-sets/spreadsheetbench-folder.js';

const [folder, out] = process.argv.slice(2);
if (!folder || !out) {
  console.error('usage: spreadsheetbench-writeback.ts <released SpreadsheetBench folder> <out folder>');
  process.exit(2);
}

for (const entry of readSpreadsheetBenchFolder(folder)) {
  const ranges = parseAnswerPosition(entry.answerPosition);
  const task = await entry.load();
  for (const [i, c] of task.cases.entries()) {
    const row = {
      id: entry.id,
      case: i + 1,
      type: entry.instructionType,
      position: entry.answerPosition,
      answer: resolve(folder, entry.files[i]!.answer),
      input: resolve(folder, entry.files[i]!.input),
      output: resolve(out, entry.id, `${i + 1}_${entry.id}_output.xlsx`),
    };
    try {
      const wb = await readXlsx(c.input);
      const answer = await readXlsx(c.answer, { recalc: false });
      const nothing = compareAnswer(wb, answer, ranges).length === 0;
      const editor = new WorkbookEditor(wb, wb.sheets[0]!);
      for (const call of answerCopyCalls(wb.clone(), answer, ranges, true))
        await editor.apply(call.name as Parameters<WorkbookEditor['apply']>[0], call.arguments);
      const wrong = compareAnswer(wb, answer, ranges);
      await mkdir(join(out, entry.id), { recursive: true });
      await writeFile(row.output, await writeXlsx(wb));
      console.log(JSON.stringify({ ...row, ours: wrong.length === 0, nothing, wrong: wrong.slice(0, 2) }));
    } catch (error) {
      console.log(JSON.stringify({ ...row, ours: false, nothing: false, error: (error as Error).message }));
    }
  }
}

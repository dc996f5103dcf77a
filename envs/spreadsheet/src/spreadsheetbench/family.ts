import { ActionError, CallRefusedError, type EpisodeSpec, type Session, type TaskFamily, type Verdict } from '@workgym/protocol';
import { WorkbookEditor } from '../editor.js';
import { parseRange, type RangeAddress } from '../engine/a1.js';
import { sameValue, showValue, type Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { readXlsx, writeXlsx } from '../engine/xlsx.js';
import { SpreadsheetSession } from '../session.js';
import { buildWorkbook } from '../tasks/build-workbook.js';
import { Rng, splitSeed } from '@workgym/protocol';
import type { PlannedCall } from '../tasks/task.js';
import type { SpreadsheetBenchOptions, SpreadsheetBenchTask } from './spreadsheetbench-task.js';

export const SPREADSHEETBENCH_FAMILY = 'spreadsheet/spreadsheetbench';

export function spreadsheetBenchFamily(job: string): TaskFamily {
  return {
    id: SPREADSHEETBENCH_FAMILY,
    job,
    difficulty: 'hard',
    description:
      'A SpreadsheetBench-format task passed in the reset options (see docs/envs/spreadsheet.md); without options, a small built-in sample in that format.',
    splits: ['train', 'test'],
  };
}

/** A built-in task in SpreadsheetBench's shape, so the family runs (and checkEnv passes) without a dataset. */
async function sampleTask(seed: number): Promise<SpreadsheetBenchTask> {
  const rng = new Rng(seed);
  const n = rng.int(5, 9);
  const cases = [];
  for (let c = 0; c < 3; c++) {
    const rows = [['Item', 'Price', 'Qty', 'Amount']];
    for (let i = 0; i < n; i++) rows.push([`Item ${i + 1}`, String(rng.int(2, 90)), String(rng.int(1, 9)), '']);
    const input = buildWorkbook([{ name: 'Sheet1', rows: rows.map((r, i) => r.map((v, j) => (i > 0 && (j === 1 || j === 2) ? Number(v) : v || null))) }]);
    const answer = input.clone();
    new WorkbookEditor(answer, answer.sheets[0]!).apply('write_cells', {
      range: `Sheet1!D2:D${n + 1}`,
      values: [...Array(n).keys()].map((i) => [`=B${i + 2}*C${i + 2}`]),
    });
    cases.push({ input: await writeXlsx(input), answer: await writeXlsx(answer) });
  }
  return { id: `sample-${seed}`, instruction: `In Sheet1, fill D2:D${n + 1} (Amount) with Price times Qty for each row.`, answerPosition: `'Sheet1'!D2:D${n + 1}`, cases };
}

function fromOptions(options: Record<string, unknown>): SpreadsheetBenchTask | undefined {
  const o = (options as Partial<SpreadsheetBenchOptions>).spreadsheetbench;
  if (!o) return undefined;
  if (typeof o.instruction !== 'string' || typeof o.answer_position !== 'string' || !Array.isArray(o.cases) || o.cases.length === 0) {
    throw new CallRefusedError('bad_request', 'options.spreadsheetbench needs instruction, answer_position and cases [{input, answer}] (base64 .xlsx)');
  }
  return {
    id: String(o.id ?? 'task'),
    instruction: o.instruction,
    answerPosition: o.answer_position,
    cases: o.cases.map((c) => ({ input: Buffer.from(c.input, 'base64'), answer: Buffer.from(c.answer, 'base64') })),
  };
}

/** The ranges of an answer position ("'Sheet1'!A1:B3,Sheet2!C1"); unqualified ones are on the first sheet. */
export function answerRanges(position: string, wb: Workbook): RangeAddress[] {
  return position
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => {
      const r = parseRange(p);
      return { ...r, sheet: r.sheet ?? wb.sheets[0]!.name };
    });
}

/** Compares the answer cells of a workbook with an answer workbook; returns the mismatches. */
function compare(wb: Workbook, answer: Workbook, ranges: RangeAddress[]): string[] {
  const wrong: string[] = [];
  for (const r of ranges) {
    const got = wb.sheet(r.sheet!);
    const want = answer.sheet(r.sheet!);
    for (let row = r.top; row <= r.bottom; row++) {
      for (let col = r.left; col <= r.right; col++) {
        const a: Value = got?.get(row, col)?.value ?? null;
        const b: Value = want?.get(row, col)?.value ?? null;
        if (!sameValue(a, b, 1e-6)) wrong.push(`${wb.address(got ?? wb.sheets[0]!, row, col)} = ${JSON.stringify(showValue(a))} (expected ${JSON.stringify(showValue(b))})`);
      }
    }
  }
  return wrong;
}

/**
 * A session on test case 1 of a SpreadsheetBench task. Scoring follows the benchmark: the same
 * solution must hold on every test case, so the agent's edits are replayed on the other cases'
 * inputs; each case counts when every cell of the answer position equals the answer file's.
 */
export async function spreadsheetBenchSession(spec: EpisodeSpec): Promise<Session> {
  const task = fromOptions(spec.options) ?? (await sampleTask(splitSeed(spec.split, spec.seed)));
  const wb = await readXlsx(task.cases[0]!.input).catch((error: unknown) => {
    throw new CallRefusedError('bad_request', `test case 1 input: ${(error as Error).message}`);
  });
  const answers = await Promise.all(task.cases.map((c) => readXlsx(c.answer, { recalc: false })));
  const ranges = answerRanges(task.answerPosition, wb);
  const expert: PlannedCall[] = ranges.map((r) => {
    const sheet = answers[0]!.sheet(r.sheet!);
    const values: (string | number | boolean | null)[][] = [];
    for (let row = r.top; row <= r.bottom; row++) {
      const line: (string | number | boolean | null)[] = [];
      for (let col = r.left; col <= r.right; col++) {
        const cell = sheet?.get(row, col);
        const v = cell?.value ?? null;
        line.push(cell?.formula !== undefined ? `=${cell.formula}` : typeof v === 'object' && v !== null ? null : v);
      }
      values.push(line);
    }
    return { name: 'write_cells', arguments: { range: `${wb.address(wb.requireSheet(r.sheet!), r.top, r.left)}:${wb.address(wb.requireSheet(r.sheet!), r.bottom, r.right).split('!')[1]}`, values } };
  });
  const verify = async (final: Workbook, _answer: string | undefined, edits: readonly PlannedCall[]): Promise<Verdict> => {
    const components: Record<string, number> = {};
    const details: string[] = [];
    for (let i = 0; i < task.cases.length; i++) {
      let target = final;
      if (i > 0) {
        target = await readXlsx(task.cases[i]!.input);
        const editor = new WorkbookEditor(target, target.sheet(wb.sheets[0]!.name) ?? target.sheets[0]!);
        for (const e of edits) {
          try {
            editor.apply(e.name as Parameters<WorkbookEditor['apply']>[0], e.arguments);
          } catch (error) {
            if (!(error instanceof ActionError)) throw error;
          }
        }
      }
      const wrong = compare(target, answers[i]!, ranges);
      components[`case_${i + 1}`] = wrong.length === 0 ? 1 : 0;
      details.push(wrong.length === 0 ? `case ${i + 1} right` : `case ${i + 1}: ${wrong.length} cells wrong, e.g. ${wrong.slice(0, 2).join(', ')}`);
    }
    const passed = Object.values(components).filter((v) => v === 1).length;
    return { reward: passed / task.cases.length, success: passed === task.cases.length, components, detail: details.join('; ') };
  };
  return new SpreadsheetSession(
    {
      instruction: `${task.instruction}\n(The answer goes in ${task.answerPosition}.)`,
      focus: ranges[0]?.sheet ?? wb.sheets[0]!.name,
      question: false,
      expert: [...expert, { name: 'submit', arguments: {} }],
      candidates: [...expert, { name: 'read_range', arguments: { range: task.answerPosition.split(',')[0]!.trim() } }],
      verify,
    },
    wb,
  );
}

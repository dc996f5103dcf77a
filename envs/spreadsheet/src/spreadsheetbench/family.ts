import { ActionError, CallRefusedError, type EpisodeSpec, type Session, type TaskFamily, type Verdict } from '@workgym/protocol';
import { instanceRng, type ExpertStep, type PlannedCall } from '@workgym/protocol/kit';
import { WorkbookEditor } from '../editor.js';
import { cellName, parseRange, type RangeAddress } from '../engine/a1.js';
import { sameValue, showValue, type Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { readXlsx, writeXlsx } from '../engine/xlsx.js';
import { SpreadsheetSession } from '../session.js';
import { buildWorkbook } from '../tasks/build-workbook.js';
import { normalFormula, readIfUnseen, rowLine, submit, cellAt } from '../tasks/expert-kit.js';
import { blockMove, fillDownMove, writeValuesMove, type FormulaBlock } from '../tasks/formula-block.js';
import { get, num } from '../tasks/helpers.js';
import type { ExpertView } from '../tasks/task.js';
import type { SpreadsheetBenchOptions, SpreadsheetBenchTask } from './spreadsheetbench-task.js';

export const SPREADSHEETBENCH_FAMILY = 'spreadsheet/spreadsheetbench';

export function spreadsheetBenchFamily(job: string, verifierVersion: string): TaskFamily {
  return {
    id: SPREADSHEETBENCH_FAMILY,
    job,
    difficulty: 'hard',
    description:
      'A SpreadsheetBench-format task passed in the reset options (see docs/envs/spreadsheet.md); without options, a small built-in sample in that format.',
    splits: ['train', 'test'],
    strategies: [...STRATEGIES],
    nearMisses: ['typed-values'],
    verifierVersion,
  };
}

const STRATEGIES = ['fill-down', 'formula-block'];

/** A built-in task in SpreadsheetBench's shape, so the family runs (and checkEnv passes) without a dataset. */
async function sampleTask(split: string, seed: number): Promise<SpreadsheetBenchTask> {
  const rng = instanceRng(split, seed);
  const n = rng.int(5, 9);
  const cases = [];
  for (let c = 0; c < 3; c++) {
    const rows = [['Item', 'Price', 'Qty', 'Amount']];
    for (let i = 0; i < n; i++) rows.push([`Item ${i + 1}`, String(rng.int(2, 90)), String(rng.int(1, 9)), '']);
    const input = buildWorkbook([{ name: 'Sheet1', rows: rows.map((r, i) => r.map((v, j) => (i > 0 && (j === 1 || j === 2) ? Number(v) : v || null))) }]);
    const answer = input.clone();
    answer.writeNow([...Array(n).keys()].map((i) => ({ sheet: answer.sheets[0]!, row: i + 2, col: 4, cell: { value: null, formula: `B${i + 2}*C${i + 2}` } })));
    cases.push({ input: await writeXlsx(input), answer: await writeXlsx(answer) });
  }
  return {
    id: `sample-${split}-${seed}`,
    instruction: `In Sheet1, fill D2:D${n + 1} (Amount) with Price times Qty for each row.`,
    answerPosition: `'Sheet1'!D2:D${n + 1}`,
    cases,
  };
}

/** The built-in sample's expert: it reads the rows it was shown and writes Amount = Price × Qty. */
function sampleExpert(last: number): (view: ExpertView) => ExpertStep {
  return (view) => {
    const { wb, strategy } = view;
    const read = readIfUnseen(view, 'Sheet1', `A1:C${last}`, [`D2:D${last}`], 'I need each row’s Price and Qty; reading Sheet1.');
    if (read) return read;
    const block: FormulaBlock = {
      sheet: 'Sheet1',
      top: 2,
      bottom: last,
      columns: [{ col: 'D', label: 'Amount', formula: (r) => `=B${r}*C${r}` }],
      sources: [rowLine(wb, 'Sheet1', 1, 4), 'Price times Qty'],
      how: "the row's Price (column B) times its Qty (column C)",
      rangeSources: [`D2:D${last}`],
    };
    const want: Record<string, Value> = {};
    for (let r = 2; r <= last; r++) want[`Sheet1!D${r}`] = num(get(wb, `Sheet1!B${r}`)) * num(get(wb, `Sheet1!C${r}`));
    if (strategy === 'typed-values') {
      const values = [...Array(last - 1).keys()].map((i) => [want[`Sheet1!D${i + 2}`] as number]);
      return writeValuesMove(wb, block, values, 'Typing each Amount.') ?? submit('Amounts typed in; submitting.');
    }
    const next = strategy === 'formula-block' ? blockMove(wb, block, want) : fillDownMove(wb, block, want);
    return next ?? submit(`D2:D${last} hold Price × Qty for every row; submitting.`);
  };
}

/**
 * The expert of a task passed in the options: it copies the answer file's cells (formulas where
 * the file has them). That is privileged knowledge, not a grounded demonstration; it says so.
 */
function answerCopyExpert(wb: Workbook, answers: Workbook, ranges: RangeAddress[], typed: boolean): (view: ExpertView) => ExpertStep {
  const writes = ranges.map((r) => {
    const sheet = answers.sheet(r.sheet!);
    const values: (string | number | boolean | null)[][] = [];
    for (let row = r.top; row <= r.bottom; row++) {
      const line: (string | number | boolean | null)[] = [];
      for (let col = r.left; col <= r.right; col++) {
        const cell = sheet?.get(row, col);
        const v = cell?.value ?? null;
        line.push(cell?.formula !== undefined && !typed ? `=${cell.formula}` : typeof v === 'object' && v !== null ? null : v);
      }
      values.push(line);
    }
    const target = wb.requireSheet(r.sheet!);
    return { name: 'write_cells', arguments: { range: `${wb.address(target, r.top, r.left)}:${cellName(r.bottom, r.right)}`, values } };
  });
  const holds = (call: (typeof writes)[number]) => {
    const r = parseRange(String(call.arguments.range));
    return call.arguments.values.every((line, i) =>
      line.every((v, j) => {
        const cell = cellAt(wb, `${r.sheet}!${cellName(r.top + i, r.left + j)}`);
        return typeof v === 'string' && v.startsWith('=') ? normalFormula(cell?.formula) === normalFormula(v) : sameValue(cell?.value ?? null, v);
      }),
    );
  };
  return (view) => {
    // A write the episode already made and that did not take (say, a function the engine lacks) is not repeated.
    const call = writes.find((w) => !holds(w) && !view.made(w));
    if (!call) return submit('Every answer range holds the answer file’s cells; submitting.');
    return {
      call,
      text: `Copying the benchmark's answer file into ${String(call.arguments.range)} (a privileged answer, not derived from what the episode showed).`,
      derived: [],
    };
  };
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
        if (!sameValue(a, b, 1e-6))
          wrong.push(`${wb.address(got ?? wb.sheets[0]!, row, col)} = ${JSON.stringify(showValue(a))} (expected ${JSON.stringify(showValue(b))})`);
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
  const task = fromOptions(spec.options) ?? (await sampleTask(spec.split, spec.seed));
  const wb = await readXlsx(task.cases[0]!.input).catch((error: unknown) => {
    throw new CallRefusedError('bad_request', `test case 1 input: ${(error as Error).message}`);
  });
  const answers = await Promise.all(task.cases.map((c) => readXlsx(c.answer, { recalc: false })));
  const ranges = answerRanges(task.answerPosition, wb);
  const sample = fromOptions(spec.options) === undefined;
  const expert = (strategy: string) => (sample ? sampleExpert(ranges[0]!.bottom) : answerCopyExpert(wb, answers[0]!, ranges, strategy === 'typed-values'));
  const experts = new Map<string, (view: ExpertView) => ExpertStep>();
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
            await editor.apply(e.name as Parameters<WorkbookEditor['apply']>[0], e.arguments);
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
      seed: spec.seed,
      strategies: STRATEGIES,
      expert: (view) => {
        if (!experts.has(view.strategy)) experts.set(view.strategy, expert(view.strategy));
        return experts.get(view.strategy)!(view);
      },
      distractors: [{ name: 'read_range', arguments: { range: task.answerPosition.split(',')[0]!.trim() } }],
      verify,
    },
    wb,
  );
}

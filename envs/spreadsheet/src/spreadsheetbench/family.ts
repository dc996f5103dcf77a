import { ActionError, CallRefusedError, type EpisodeSpec, type Session, type TaskFamily, type Verdict } from '@workgym/protocol';
import { instanceRng, type ExpertStep, type PlannedCall } from '@workgym/protocol/kit';
import { WorkbookEditor } from '../editor.js';
import { cellName, parseRange, quoteSheet } from '../engine/a1.js';
import { keyCol, keyRow, Sheet } from '../engine/sheet.js';
import { sameValue, type Cell, type Value } from '../engine/values.js';
import { Workbook } from '../engine/workbook.js';
import { readXlsx, writeXlsx } from '../engine/xlsx.js';
import { SpreadsheetSession } from '../session.js';
import { buildWorkbook } from '../tasks/build-workbook.js';
import { normalFormula, readIfUnseen, rowLine, submit, cellAt } from '../tasks/expert-kit.js';
import { blockMove, fillDownMove, writeValuesMove, type FormulaBlock } from '../tasks/formula-block.js';
import { get, num } from '../tasks/helpers.js';
import type { ExpertView } from '../tasks/task.js';
import { parseAnswerPosition, type AnswerRange } from './answer-position.js';
import { compareAnswer, sameAsBenchmark } from './compare.js';
import type { BenchCase, BenchTask, SpreadsheetBenchOptions, SpreadsheetBenchTask } from './spreadsheetbench-task.js';

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

/** Cells one expert write holds at most (the editor's write cap is higher; smaller calls read better). */
const WRITE_CHUNK_CELLS = 5_000;

/**
 * The expert of a loaded task: it copies the answer file's cells into the answer position
 * (formulas where the file has them, unless `typed`), only where the answer differs from the
 * input. That is privileged knowledge, not a grounded demonstration; it says so. With
 * `wrongCell` (the near-miss) the first answer cell gets a value the answer file does not hold.
 */
function answerCopyExpert(
  wb: Workbook,
  start: Workbook,
  answers: Workbook,
  ranges: readonly AnswerRange[],
  mode: { typed: boolean; wrongCell: boolean },
  task: string,
  source: string,
): (view: ExpertView) => ExpertStep {
  const writes = answerCopyCalls(start, answers, ranges, mode.typed);
  if (mode.wrongCell) spoilFirstCell(writes, answers, ranges[0]!);
  const holds = (call: PlannedCall) => {
    if (call.name === 'create_sheet') return wb.sheet(String(call.arguments.name)) !== undefined;
    const r = parseRange(String(call.arguments.range));
    return (call.arguments.values as Scalar[][]).every((line, i) =>
      line.every((v, j) => {
        const cell = cellAt(wb, `${quoteSheet(r.sheet!)}!${cellName(r.top + i, r.left + j)}`);
        return typeof v === 'string' && v.startsWith('=')
          ? normalFormula(cell?.formula) === normalFormula(v)
          : sameValue(cell?.value ?? null, v) && cell?.formula === undefined;
      }),
    );
  };
  // Where the engine computes a copied formula otherwise than the file's cached result (a
  // function it lacks, an array formula), the block's values are typed in instead, so case 1
  // holds the answer; the near-miss keeps its wrong cell.
  const typedWrites = mode.typed || mode.wrongCell ? [] : answerCopyCalls(start, answers, ranges, true);
  const computedRight = (call: PlannedCall) => {
    if (call.name !== 'write_cells') return true;
    const r = parseRange(String(call.arguments.range));
    const rows = call.arguments.values as Scalar[][];
    return rows.every((line, i) =>
      line.every((_, j) => sameAsBenchmark(wb.sheet(r.sheet!)?.get(r.top + i, r.left + j), answers.sheet(r.sheet!)?.get(r.top + i, r.left + j))),
    );
  };
  return (view) => {
    // A write the episode already made and that did not take (say, a function the engine lacks) is not repeated.
    const call =
      writes.find((w) => !holds(w) && !view.made(w)) ??
      typedWrites.find((w, i) => view.made(writes[i]!) && !computedRight(writes[i]!) && !holds(w) && !view.made(w));
    if (!call) return submit('Every answer range holds the answer file’s cells; submitting.');
    const where = String(call.arguments.range ?? call.arguments.name);
    return {
      call,
      text: `Copying the benchmark's answer file into ${where} (a privileged answer, not derived from what the episode showed).`,
      derived: copiedValues(call).map((value) => ({ value, sources: [source], how: `the answer file of task ${task}, copied (not derived from the episode)` })),
    };
  };
}

/** Every value a copying call writes, as the grounding check reads call arguments (numbers as JSON). */
function copiedValues(call: PlannedCall): string[] {
  const leaves = call.name === 'write_cells' ? [String(call.arguments.range), ...(call.arguments.values as Scalar[][]).flat()] : [String(call.arguments.name)];
  return [...new Set(leaves.filter((v) => typeof v === 'string' || typeof v === 'number').map((v) => (typeof v === 'number' ? JSON.stringify(v) : v)))];
}

type Scalar = string | number | boolean | null;

/**
 * The write_cells calls that copy the answer file's cells of every range of the answer position
 * into a workbook that starts as `start` (formulas where the file has them, unless `typed`).
 */
export function answerCopyCalls(start: Workbook, answers: Workbook, ranges: readonly AnswerRange[], typed: boolean): PlannedCall[] {
  return ranges.flatMap((r) => answerWrites(start, answers, r, typed));
}

/**
 * write_cells calls that put the answer file's cells of `r` into the session's workbook: the
 * smallest block of the range holding every cell where the answer differs from the input (by
 * value as the benchmark compares, or by formula), so cells the task leaves alone are not
 * overwritten with case 1's values when the edits are replayed on the other cases.
 */
function answerWrites(start: Workbook, answers: Workbook, r: AnswerRange, typed: boolean): PlannedCall[] {
  const sheetName = r.sheet ?? answers.sheets[0]!.name;
  const sheet = answers.sheet(sheetName);
  if (!sheet) return [];
  const input = start.sheet(sheetName);
  const box = changedBlock(input ?? new Sheet(sheetName), sheet, r);
  if (!box) return [];
  const width = box.right - box.left + 1;
  const rowsPerCall = Math.max(1, Math.floor(WRITE_CHUNK_CELLS / width));
  // A sheet the answer adds is created first.
  const calls: PlannedCall[] = input ? [] : [{ name: 'create_sheet', arguments: { name: sheetName } }];
  for (let top = box.top; top <= box.bottom; top += rowsPerCall) {
    const values: Scalar[][] = [];
    for (let row = top; row <= Math.min(box.bottom, top + rowsPerCall - 1); row++) {
      const line: Scalar[] = [];
      for (let col = box.left; col <= box.right; col++) line.push(answerScalar(sheet.get(row, col), typed));
      values.push(line);
    }
    calls.push({ name: 'write_cells', arguments: { range: `${quoteSheet(sheetName)}!${cellName(top, box.left)}`, values } });
  }
  return calls;
}

/** The bounding box, inside `r`, of the cells where `answer` differs from `input`; undefined when none does. */
function changedBlock(input: Sheet, answer: Sheet, r: AnswerRange): { top: number; left: number; bottom: number; right: number } | undefined {
  let box: { top: number; left: number; bottom: number; right: number } | undefined;
  for (const key of new Set([...input.cells.keys(), ...answer.cells.keys()])) {
    const row = keyRow(key);
    const col = keyCol(key);
    if (row < r.top || row > r.bottom || col < r.left || col > r.right) continue;
    const a = input.cells.get(key);
    const b = answer.cells.get(key);
    if (sameAsBenchmark(a, b) && a?.formula === b?.formula) continue;
    box = box
      ? { top: Math.min(box.top, row), left: Math.min(box.left, col), bottom: Math.max(box.bottom, row), right: Math.max(box.right, col) }
      : { top: row, left: col, bottom: row, right: col };
  }
  return box;
}

function answerScalar(cell: Cell | undefined, typed: boolean): Scalar {
  if (cell?.formula !== undefined && !typed) return `=${cell.formula}`;
  const v = cell?.value ?? null;
  return typeof v === 'object' && v !== null ? v.error : v;
}

/** The near-miss: the first cell the expert writes (or, writing none, the first answer cell) gets a value the answer file does not hold. */
function spoilFirstCell(writes: PlannedCall[], answers: Workbook, first: AnswerRange): void {
  const sheetName = first.sheet ?? answers.sheets[0]!.name;
  const at = writes.findIndex((w) => w.name === 'write_cells');
  if (at < 0) {
    const v = answers.sheet(sheetName)?.get(first.top, first.left)?.value ?? null;
    writes.push({ name: 'write_cells', arguments: { range: `${quoteSheet(sheetName)}!${cellName(first.top, first.left)}`, values: [[wrongValue(v)]] } });
    return;
  }
  const r = parseRange(String(writes[at]!.arguments.range));
  const values = (writes[at]!.arguments.values as Scalar[][]).map((line) => [...line]);
  values[0]![0] = wrongValue(answers.sheet(r.sheet!)?.get(r.top, r.left)?.value ?? null);
  writes[at] = { name: 'write_cells', arguments: { ...writes[at]!.arguments, values } };
}

/** A value the benchmark's comparison tells apart from `v`. */
function wrongValue(v: Value): Scalar {
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return v ? 0 : 1;
  if (typeof v === 'string' && v !== '') return `${v} (changed)`;
  return 'changed';
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

/**
 * A session on `spreadsheet/spreadsheetbench`: the task in the reset options, or (without
 * options) the built-in sample.
 */
export async function spreadsheetBenchSession(spec: EpisodeSpec): Promise<Session> {
  const given = fromOptions(spec.options);
  const task = given ?? (await sampleTask(spec.split, spec.seed));
  return benchSession(task, spec, given ? 'answer-copy' : 'sample');
}

/** The strategies of a loaded task's family: the expert copies the answer file. */
export const TASK_STRATEGIES = ['copy-answer'];
/** A loaded task's near-miss: the answer with one cell wrong, which must fail. */
export const TASK_NEAR_MISSES = ['one-cell-wrong'];

/**
 * A session on test case 1 of a SpreadsheetBench-style task. Scoring follows the benchmark: the
 * same solution must hold on every test case, so the agent's edits are replayed on the other
 * cases' inputs; case n counts (verdict component `case_n`, 0 or 1) when every cell of the answer
 * position matches the answer file's as the benchmark's evaluation compares them.
 */
export async function benchSession(task: BenchTask, spec: EpisodeSpec, expertKind: 'sample' | 'answer-copy'): Promise<Session> {
  const refuse = (what: string, error: unknown) => new CallRefusedError('bad_request', `task ${task.id}: ${what}: ${(error as Error).message}`);
  const wb = await readXlsx(task.cases[0]!.input).catch((error: unknown) => {
    throw refuse('test case 1 input', error);
  });
  let ranges: AnswerRange[];
  try {
    ranges = parseAnswerPosition(task.answerPosition);
  } catch (error) {
    throw refuse('answer position', error);
  }
  const answers = await Promise.all(
    task.cases.map((c, i) =>
      answerWorkbook(c).catch((error: unknown) => {
        throw refuse(`test case ${i + 1} answer`, error);
      }),
    ),
  );
  // The input as the episode starts, which the copy is planned against.
  const start = wb.clone();
  const answerNote = `(The answer goes in ${task.answerPosition}.)`;
  const expert = (strategy: string) =>
    expertKind === 'sample'
      ? sampleExpert(ranges[0]!.bottom)
      : answerCopyExpert(wb, start, answers[0]!, ranges, { typed: strategy === 'typed-values', wrongCell: strategy === 'one-cell-wrong' }, task.id, answerNote);
  const experts = new Map<string, (view: ExpertView) => ExpertStep>();
  const focus = ranges[0]?.sheet ?? answers[0]!.sheets[0]?.name ?? wb.sheets[0]!.name;
  return new SpreadsheetSession(
    {
      instruction: `${task.instruction}\n${answerNote}`,
      focus,
      question: false,
      seed: spec.seed,
      strategies: expertKind === 'sample' ? STRATEGIES : TASK_STRATEGIES,
      expert: (view) => {
        if (!experts.has(view.strategy)) experts.set(view.strategy, expert(view.strategy));
        return experts.get(view.strategy)!(view);
      },
      distractors: [{ name: 'read_range', arguments: { range: readableRange(ranges[0]!, focus) } }],
      verify: (final, _answer, edits) => verifyCases(task, wb, final, answers, ranges, edits),
    },
    wb,
  );
}

/** The answer workbook of a case: the answer file as stored (cached values, never recalculated), or the expected cells on the input's sheets. */
async function answerWorkbook(c: BenchCase): Promise<Workbook> {
  if ('answer' in c) return readXlsx(c.answer, { recalc: false });
  const input = await readXlsx(c.input, { recalc: false });
  const answer = new Workbook();
  for (const s of input.sheets) answer.addSheet(s.name);
  answer.writeNow(
    Object.entries(c.expected).map(([ref, value]) => {
      const r = parseRange(ref);
      return { sheet: answer.requireSheet(r.sheet ?? input.sheets[0]!.name), row: r.top, col: r.left, cell: { value } };
    }),
  );
  return answer;
}

/** A range the agent could read first (the top of the answer position, at most 20 rows). */
function readableRange(r: AnswerRange, focus: string): string {
  return `${quoteSheet(r.sheet ?? focus)}!${cellName(r.top, r.left)}:${cellName(Math.min(r.bottom, r.top + 19), r.right)}`;
}

async function verifyCases(
  task: BenchTask,
  first: Workbook,
  final: Workbook,
  answers: readonly Workbook[],
  ranges: readonly AnswerRange[],
  edits: readonly PlannedCall[],
): Promise<Verdict> {
  const components: Record<string, number> = {};
  const details: string[] = [];
  const cachedNotes = new Set<string>();
  for (let i = 0; i < task.cases.length; i++) {
    const target = i === 0 ? final : await replay(task.cases[i]!.input, first, edits);
    const wrong = compareAnswer(target, answers[i]!, ranges);
    components[`case_${i + 1}`] = wrong.length === 0 ? 1 : 0;
    details.push(
      wrong.length === 0
        ? `case ${i + 1} right`
        : `case ${i + 1}: ${wrong.length} cells wrong, e.g. ${wrong
            .slice(0, 2)
            .map((m) => `${m.where} = ${JSON.stringify(m.got)} (expected ${JSON.stringify(m.want)})`)
            .join(', ')}`,
    );
    for (const note of cachedCells(target, ranges, answers[i]!)) cachedNotes.add(`case ${i + 1} ${note}`);
  }
  if (cachedNotes.size > 0) {
    details.push(
      `relied on values stored in the workbook that the engine cannot compute: ${[...cachedNotes].slice(0, 3).join(', ')}${cachedNotes.size > 3 ? ', …' : ''}`,
    );
  }
  const passed = Object.values(components).filter((v) => v === 1).length;
  return { reward: passed / task.cases.length, success: passed === task.cases.length, components, detail: details.join('; ') };
}

/** The agent's edits of case 1, replayed on another case's input (an edit the case refuses is skipped, as it would fail there). */
async function replay(input: Uint8Array, first: Workbook, edits: readonly PlannedCall[]): Promise<Workbook> {
  const target = await readXlsx(input);
  const editor = new WorkbookEditor(target, target.sheet(first.sheets[0]!.name) ?? target.sheets[0]!);
  for (const e of edits) {
    try {
      await editor.apply(e.name as Parameters<WorkbookEditor['apply']>[0], e.arguments);
    } catch (error) {
      if (!(error instanceof ActionError)) throw error;
    }
  }
  return target;
}

/** Compared cells whose value is the one the file stored, because the engine cannot compute their formula: "Sheet!A1 (why)". */
function cachedCells(wb: Workbook, ranges: readonly AnswerRange[], answer: Workbook): string[] {
  return wb
    .cachedCells()
    .filter((c) =>
      ranges.some((r) => c.sheet === (r.sheet ?? answer.sheets[0]?.name) && c.row >= r.top && c.row <= r.bottom && c.col >= r.left && c.col <= r.right),
    )
    .map((c) => `${c.address} (${c.reason})`);
}

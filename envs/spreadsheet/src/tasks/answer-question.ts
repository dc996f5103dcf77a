import { drawUntil, type ExpertStep } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import { showValue } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { buildWorkbook } from './build-workbook.js';
import { cellAt, derive, move, normalFormula, readIfUnseen, refDerivation, rowLine } from './expert-kit.js';
import { call, FIRST, get, num, REGIONS } from './helpers.js';
import { reportInfeasible } from './infeasible.js';
import { sheetComponents, type ExpertView, type FamilyDef } from './task.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'];

/** The question's conditions: the expert's `relax:<condition>` answers with that one dropped. */
type Condition = 'region' | 'month';
const CONDITIONS: readonly Condition[] = ['region', 'month'];

/** What is asked: a conditional total, or the top rep with their Units, of one region in one month. */
interface Question {
  kind: 'total' | 'top';
  region: string;
  month: string;
}

interface Sale {
  row: number;
  month: string;
  region: string;
  rep: string;
  units: number;
  revenue: number;
}

/** Where a scratch formula goes: the first columns right of the table. */
const SCRATCH = 'G';

/** The sales rows the question's conditions select, `dropped` ignored. */
const selected = (sales: readonly Sale[], q: Question, dropped?: Condition) =>
  sales.filter((s) => (dropped === 'region' || s.region === q.region) && (dropped === 'month' || s.month === q.month));

/** Units per rep, most first (ties by name, so every caller ranks alike). */
function ranking(sales: readonly Sale[]): { rep: string; units: number }[] {
  const units = new Map<string, number>();
  for (const s of sales) units.set(s.rep, (units.get(s.rep) ?? 0) + s.units);
  return [...units.entries()].map(([rep, u]) => ({ rep, units: u })).sort((a, b) => b.units - a.units || a.rep.localeCompare(b.rep));
}

const repAnswer = (top: { rep: string; units: number }) => `${top.rep}: ${top.units}`;

/** The ways of writing the top rep and their Units that are accepted. */
const repSpellings = ({ rep, units }: { rep: string; units: number }) => [
  repAnswer({ rep, units }),
  `${rep} ${units}`,
  `${rep} (${units})`,
  `${rep}, ${units}`,
  `${rep} - ${units}`,
  `${rep}: ${units} units`,
];

/** The answer to `q` over `sales` with `dropped` ignored (the right one without). */
function answerOf(sales: readonly Sale[], q: Question, dropped?: Condition): string {
  const rows = selected(sales, q, dropped);
  return q.kind === 'total' ? String(rows.reduce((s, r) => s + r.revenue, 0)) : repAnswer(ranking(rows)[0]!);
}

/** The answer read off the first data row alone: the `first-row` guess. */
const firstRowAnswer = (sales: readonly Sale[], q: Question) => (q.kind === 'total' ? String(sales[0]!.revenue) : repAnswer(sales[0]!));

/**
 * The month nearest the asked one (the earlier on a tie) in which the asked region has rows: the
 * `act-anyway` near-miss answers for it, the closest figure the table has.
 */
function nearestMonth(sales: readonly Sale[], q: Question): string | undefined {
  const at = MONTHS.indexOf(q.month);
  const distance = (m: string) => Math.abs(MONTHS.indexOf(m) - at) * 2 + (MONTHS.indexOf(m) > at ? 1 : 0);
  const months = MONTHS.filter((m) => m !== q.month && sales.some((s) => s.region === q.region && s.month === m));
  return months.sort((a, b) => distance(a) - distance(b))[0];
}

const actAnyway = (sales: readonly Sale[], q: Question) => answerOf(sales, { ...q, month: nearestMonth(sales, q)! });

/**
 * Whether `q` suits the drawn rows: at least two rows match (no single row is the answer), one
 * rep leads alone, each condition dropped gives another answer, and so do the first row and the
 * nearest other month of the region.
 */
function fair(sales: readonly Sale[], q: Question): boolean {
  const rows = selected(sales, q);
  if (rows.length < 2 || nearestMonth(sales, q) === undefined) return false;
  const top = ranking(rows);
  if (q.kind === 'top' && top.length > 1 && top[0]!.units === top[1]!.units) return false;
  const right = answerOf(sales, q);
  return CONDITIONS.every((c) => answerOf(sales, q, c) !== right) && firstRowAnswer(sales, q) !== right && actAnyway(sales, q) !== right;
}

/**
 * Whether `q` suits the drawn rows of an infeasible seed: no row has both its region and its
 * month, but the region has rows in other months and the month rows of other regions, so only
 * reading the rows shows the figure is not there.
 */
function absent(sales: readonly Sale[], q: Question): boolean {
  return selected(sales, q).length === 0 && selected(sales, q, 'region').length > 0 && selected(sales, q, 'month').length > 0;
}

/** Answering a question from the data: read, aggregate, answer. */
export const answerQuestion: FamilyDef = {
  name: 'answer-question',
  difficulty: 'medium',
  description: 'Answer a question about a sales table (a region and month total, or who sold the most there and how much) with the answer tool.',
  strategies: ['scan', 'scratch-formula'],
  nearMisses: ['list-all', 'act-anyway'],
  components: sheetComponents('answer'),
  collateral: true,
  conditions: CONDITIONS,
  guesses: ['answer-2', 'first-row'],
  // A question about the sales of a region in a month: on an infeasible seed that region sold
  // nothing that month, which only reading the table shows.
  features: ['infeasible'],
  generate(rng, _task, _tier, { infeasible }) {
    const reps = rng.sample(FIRST, 5);
    const regions = rng.sample(REGIONS, 3);
    const kind = rng.next() < 0.5 ? 'total' : 'top';
    // Draw again until the question is fair (most draws are).
    const { rows, q } = drawUntil(
      rng,
      () => {
        const n = rng.int(28, 40);
        const rows: Value[][] = [];
        for (let i = 0; i < n; i++) rows.push([rng.pick(MONTHS), rng.pick(regions), rng.pick(reps), rng.int(1, 40), rng.int(10, 999)]);
        if (infeasible) {
          // A region and a month with no row together (a few of the 18 pairs usually are).
          const pairs = regions.flatMap((region) => MONTHS.map((month): Question => ({ kind, region, month })));
          return { rows, q: rng.pick(pairs) };
        }
        const first = rng.pick(rows);
        const q: Question = { kind, region: first[1] as string, month: first[0] as string };
        return { rows, q };
      },
      ({ rows, q }) => (infeasible ? absent(toSales(rows), q) : fair(toSales(rows), q)),
    );
    const height = rows.length + 1;
    const table = `A1:E${height}`;
    const question =
      kind === 'total'
        ? `What is the total Revenue of region ${q.region} in ${q.month}? Answer with the number only.`
        : `Which rep sold the most Units in region ${q.region} in ${q.month}, and how many? Answer with the name and the Units, like "Name: 12".`;
    const sheets = [{ name: 'Sales', rows: [['Month', 'Region', 'Rep', 'Units', 'Revenue'], ...rows] }];
    let start: Workbook | undefined;
    return {
      instruction:
        `Sheet Sales (${table}: Month, Region, Rep, Units, Revenue) holds this half-year's sales. ${question} Give it with the answer tool. ` +
        `Leave the table as it is; columns ${SCRATCH} and after are free for scratch work.`,
      sheets,
      focus: 'Sales',
      // IV is the last column the workbook keeps.
      scratch: [`Sales!${SCRATCH}:IV`],
      // An infeasible seed has no right answer: only report_infeasible succeeds (the kit's verdict).
      question: infeasible
        ? { accept: [] }
        : kind === 'total'
          ? { accept: [answerOf(toSales(rows), q)], numeric: Number(answerOf(toSales(rows), q)) }
          : { accept: repSpellings(ranking(selected(toSales(rows), q))[0]!) },
      expert(view) {
        const read = readIfUnseen(view, 'Sales', `A1:E${height}`, [table], `I need every sale row before answering; reading the whole table (${table}).`);
        if (read) return read;
        const { strategy } = view;
        const sales = salesRows(view.wb, height);
        if (strategy === 'list-all') return listAll(sales, q);
        if (strategy === 'act-anyway') {
          const month = nearestMonth(sales, q)!;
          return move('answer', { text: actAnyway(sales, q) }, `Answering for ${month}, the month nearest ${q.month} with rows of region ${q.region}.`);
        }
        if (infeasible && !strategy.startsWith('relax:') && !strategy.startsWith('guess:')) return notThere(view, height, q, (start ??= buildWorkbook(sheets)));
        if (strategy === 'guess:answer-2') return move('answer', { text: '2' }, 'Answering 2.');
        if (strategy === 'guess:first-row') return move('answer', { text: firstRowAnswer(sales, q) }, 'Answering from the first row.');
        if (strategy.startsWith('relax:')) {
          const dropped = strategy.slice('relax:'.length) as Condition;
          return move('answer', { text: answerOf(sales, q, dropped) }, `Answering over every ${dropped === 'region' ? 'region' : 'month'}.`);
        }
        if (strategy === 'scratch-formula') return q.kind === 'total' ? scratchTotal(view, height, q) : scratchTop(view, height, q);
        return q.kind === 'total' ? scanTotal(view.wb, sales, q) : scanTop(view.wb, sales, q);
      },
      distractors: [call('read_range', { range: `Sales!${table}` }), call('set_format', { range: 'Sales!A1:E1', bold: true }), call('answer', { text: '0' })],
    };
  },
};

function toSales(rows: readonly Value[][]): Sale[] {
  return rows.map((r, i) => ({
    row: i + 2,
    month: String(r[0]),
    region: String(r[1]),
    rep: String(r[2]),
    units: num(r[3] ?? null),
    revenue: num(r[4] ?? null),
  }));
}

/** The data rows as they are now. */
function salesRows(wb: Workbook, height: number): Sale[] {
  const rows: Value[][] = [];
  for (let r = 2; r <= height; r++) rows.push(['A', 'B', 'C', 'D', 'E'].map((c) => get(wb, `Sales!${c}${r}`)));
  return toSales(rows);
}

const matchWords = (q: Question) => `Region ${q.region} and Month ${q.month}`;

function scanTotal(wb: Workbook, sales: readonly Sale[], q: Question): ExpertStep {
  const matching = selected(sales, q);
  const text = answerOf(sales, q);
  return move('answer', { text }, `Rows ${matching.map((m) => m.row).join(', ')} are region ${q.region} in ${q.month}; their Revenue adds up to ${text}.`, [
    derive(
      text,
      matching.map((m) => rowLine(wb, 'Sales', m.row, 5)),
      `sum of the Revenue of the rows with ${matchWords(q)}`,
    ),
  ]);
}

function scanTop(wb: Workbook, sales: readonly Sale[], q: Question): ExpertStep {
  const matching = selected(sales, q);
  const ranked = ranking(matching);
  const best = ranked[0]!;
  const text = repAnswer(best);
  return move(
    'answer',
    { text },
    `Rows ${matching.map((m) => m.row).join(', ')} are region ${q.region} in ${q.month}; Units per rep there: ${ranked.map((r) => `${r.rep} ${r.units}`).join(', ')}; ${best.rep} sold the most.`,
    [
      derive(
        text,
        matching.filter((m) => m.rep === best.rep).map((m) => rowLine(wb, 'Sales', m.row, 5)),
        `the rep with the largest sum of Units over the rows with ${matchWords(q)}, and that sum`,
      ),
    ],
  );
}

/** SUMIFS criteria for the question's region and month over the table's rows. */
const criteria = (height: number, q: Question) => `B2:B${height},"${q.region}",A2:A${height},"${q.month}"`;

function scratchTotal(view: ExpertView, height: number, q: Question): ExpertStep {
  const { wb } = view;
  const formula = `=SUMIFS(E2:E${height},${criteria(height, q)})`;
  const cell = cellAt(wb, `Sales!${SCRATCH}1`);
  if (normalFormula(cell?.formula) !== normalFormula(formula)) {
    return move(
      'set_formula',
      { cell: `Sales!${SCRATCH}1`, formula },
      `Rather than add by hand, I let a SUMIFS in a spare cell (${SCRATCH}1, right of the table) total the Revenue of rows with ${matchWords(q)}.`,
      [
        refDerivation('Sales', `${SCRATCH}1`, [rowLine(wb, 'Sales', 1, 5)], 'the first empty column right of the table'),
        derive(
          formula,
          [rowLine(wb, 'Sales', 1, 5), `A1:E${height}`, q.region, q.month],
          'Revenue (E) summed over rows whose Region (B) and Month (A) match the question',
        ),
      ],
    );
  }
  const shown = showValue(cell!.value);
  return move('answer', { text: shown }, `The SUMIFS in ${SCRATCH}1 shows ${shown}: the total Revenue of region ${q.region} in ${q.month}.`);
}

function scratchTop(view: ExpertView, height: number, q: Question): ExpertStep {
  const { wb } = view;
  const reps = [...new Set(salesRows(wb, height).map((r) => r.rep))].sort();
  const values = reps.map((rep, i) => [rep, `=SUMIFS(D2:D${height},C2:C${height},${SCRATCH}${i + 1},${criteria(height, q)})`]);
  const range = `${SCRATCH}1:H${reps.length}`;
  const written = values.every(
    (v, i) => get(wb, `Sales!${SCRATCH}${i + 1}`) === v[0] && normalFormula(cellAt(wb, `Sales!H${i + 1}`)?.formula) === normalFormula(v[1]),
  );
  if (!written) {
    return move(
      'write_cells',
      { range: `Sales!${range}`, values },
      `I list each rep (${reps.join(', ')}) in spare columns right of the table with a SUMIFS of their Units in region ${q.region} in ${q.month}, so the totals are computed for me.`,
      [
        refDerivation('Sales', range, [rowLine(wb, 'Sales', 1, 5), ...reps], 'one row per rep, in the first empty columns right of the table'),
        ...values.map((v, i) =>
          derive(
            v[1]!,
            [rowLine(wb, 'Sales', 1, 5), `A1:E${height}`, reps[i]!, q.region, q.month],
            `Units (D) summed over the rows whose Rep (C) is ${reps[i]} and whose ${matchWords(q)}`,
          ),
        ),
      ],
    );
  }
  const totals = reps.map((rep, i) => ({ rep, units: num(get(wb, `Sales!H${i + 1}`)) })).sort((a, b) => b.units - a.units || a.rep.localeCompare(b.rep));
  const best = totals[0]!;
  const text = repAnswer(best);
  return move('answer', { text }, `The SUMIFS totals show ${totals.map((t) => `${t.rep} ${t.units}`).join(', ')}; ${best.rep} sold the most Units.`, [
    derive(text, [best.rep, String(best.units)], `the rep whose SUMIFS total in column H is the largest, and that total`),
  ]);
}

/**
 * An infeasible seed's expert: the table read, `scan` sees that no row has the region and the
 * month; `scratch-formula` lets a COUNTIFS count them (0) and clears it again. Either reports why.
 */
function notThere(view: ExpertView, height: number, q: Question, start: Workbook): ExpertStep {
  const { wb } = view;
  const count = { cell: `Sales!${SCRATCH}1`, formula: `=COUNTIFS(${criteria(height, q)})` };
  if (view.strategy === 'scratch-formula' && !view.made({ name: 'set_formula', arguments: count })) {
    return move('set_formula', count, `Before adding anything up, a COUNTIFS in a spare cell (${SCRATCH}1) counts the rows with ${matchWords(q)}.`, [
      refDerivation('Sales', `${SCRATCH}1`, [rowLine(wb, 'Sales', 1, 5)], 'the first empty column right of the table'),
      derive(
        count.formula,
        [rowLine(wb, 'Sales', 1, 5), `A1:E${height}`, q.region, q.month],
        'rows whose Region (B) and Month (A) match the question, counted',
      ),
    ]);
  }
  const regionRows = salesRows(wb, height).filter((s) => s.region === q.region);
  const months = MONTHS.filter((m) => regionRows.some((s) => s.month === m));
  const asked = q.kind === 'total' ? 'its total Revenue' : 'its top rep';
  const reason = `No row of sheet Sales has Region ${q.region} and Month ${q.month}: region ${q.region} has rows only in ${months.join(', ')}, so ${asked} in ${q.month} is not in the workbook.`;
  return reportInfeasible(
    wb,
    start,
    reason,
    [rowLine(wb, 'Sales', 1, 5), q.region, q.month, ...regionRows.map((s) => rowLine(wb, 'Sales', s.row, 5))],
    `the rows with Region ${q.region}: their months, none of them ${q.month}`,
  );
}

/** The list-all near-miss: every possible answer at once (every rep of the region, where the month has none of its rows). */
function listAll(sales: readonly Sale[], q: Question): ExpertStep {
  if (q.kind === 'top') {
    const rows = selected(sales, q);
    return move(
      'answer',
      {
        text: ranking(rows.length > 0 ? rows : selected(sales, q, 'month'))
          .map(repAnswer)
          .join(', '),
      },
      'Naming every rep there.',
    );
  }
  const sums = new Map<string, number>();
  for (const s of sales) if (s.region === q.region) sums.set(s.month, (sums.get(s.month) ?? 0) + s.revenue);
  return move('answer', { text: [...sums.values()].join(', ') }, 'Giving every month’s total of the region.');
}

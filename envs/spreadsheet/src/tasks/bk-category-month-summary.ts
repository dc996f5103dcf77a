import type { Difficulty, ExpertStep } from '@workgym/protocol/kit';
import { drawUntil } from '@workgym/protocol/kit';
import type { Rng } from '@workgym/protocol';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { col, fillGridMove, labelMove, serialOf, writeGridMove, yearMonth, daysIn, type FormulaGrid } from './bk-ledger.js';
import { readIfUnseen, rowLine, submit } from './expert-kit.js';
import { bump, call, get, num, relabel, round2, setValues } from './helpers.js';
import { sheetComponents, type ExpertView, type FamilyDef } from './task.js';

/** Expense categories and what their journal lines say. */
const CATEGORIES: Record<string, string[]> = {
  Rent: ['Office rent', 'Storage unit rent', 'Parking space'],
  Utilities: ['Electricity', 'Water', 'Internet line'],
  Travel: ['Train tickets', 'Hotel', 'Taxi', 'Flight'],
  'Office supplies': ['Printer paper', 'Toner', 'Stationery'],
  Software: ['Accounting licence', 'Cloud storage', 'Design tool'],
  Marketing: ['Ad campaign', 'Trade fair stand', 'Flyers'],
  Insurance: ['Liability premium', 'Equipment cover'],
  Meals: ['Client lunch', 'Team dinner', 'Catering'],
};
/** Revenue lines booked to an expense category: re-billed costs, the look-alikes of the type condition. */
const REBILLED = ['Re-billed to client', 'Sublet income', 'Refund received'];

/** The tier's knob: how many months and categories the summary has, how long the journal is, how many look-alikes. */
const TIERS: Record<Difficulty, { months: number; listed: number; others: number; extra: number; lookalikes: number }> = {
  easy: { months: 3, listed: 3, others: 1, extra: 10, lookalikes: 3 },
  medium: { months: 6, listed: 4, others: 2, extra: 20, lookalikes: 4 },
  // 48 SUMIFS over about 100 lines: a block written at once stays well inside a recalculation slice on a loaded machine.
  hard: { months: 12, listed: 4, others: 2, extra: 24, lookalikes: 6 },
};

type Condition = 'year' | 'type' | 'category';
const CONDITIONS: readonly Condition[] = ['year', 'type', 'category'];

interface Entry {
  date: number;
  type: 'Expense' | 'Revenue';
  category: string;
  text: string;
  amount: number;
}

const cents = (rng: Rng, lo: number, hi: number) => rng.int(lo * 100, hi * 100) / 100;

/** Sum of the journal's expense amounts of one category in one month, `dropped` ignored. */
function cellSum(entries: readonly Entry[], category: string, year: number, month: number, dropped?: Condition): number {
  let sum = 0;
  for (const e of entries) {
    const ym = yearMonth(e.date);
    if (ym.month !== month || (dropped !== 'year' && ym.year !== year)) continue;
    if (dropped !== 'type' && e.type !== 'Expense') continue;
    if (dropped !== 'category' && e.category !== category) continue;
    sum += e.amount;
  }
  return round2(sum);
}

/** Journal entries as the sheet holds them now. */
function entriesOf(wb: Workbook, last: number): Entry[] {
  const out: Entry[] = [];
  for (let r = 2; r <= last; r++)
    out.push({
      date: num(get(wb, `Journal!A${r}`)),
      type: get(wb, `Journal!B${r}`) as Entry['type'],
      category: String(get(wb, `Journal!C${r}`)),
      text: String(get(wb, `Journal!D${r}`)),
      amount: num(get(wb, `Journal!E${r}`)),
    });
  return out;
}

/** Monthly expense summary by category: SUMIFS over a journal with a year, a type and a category list. */
export const bkCategoryMonthSummary: FamilyDef = {
  name: 'bk-category-month-summary',
  job: 'bookkeeping',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description: "Fill a category-by-month summary of a year's expenses with SUMIFS over a journal, with a total column and a total row.",
  strategies: ['fill-grid', 'write-block'],
  nearMisses: ['typed-totals', 'totals-only'],
  components: sheetComponents('formulas', 'values', 'labels'),
  collateral: true,
  conditions: CONDITIONS,
  guesses: ['first-category', 'whole-year'],
  generate(rng, _task, tier) {
    const knob = TIERS[tier];
    const year = rng.int(2022, 2026);
    const other = year + (rng.next() < 0.5 ? -1 : 1);
    const first = rng.int(1, 13 - knob.months);
    const months = Array.from({ length: knob.months }, (_, i) => first + i);
    const names = rng.sample(Object.keys(CATEGORIES), knob.listed + knob.others);
    const listed = names.slice(0, knob.listed);
    const entryOf = (y: number, month: number, category: string, type: Entry['type'] = 'Expense'): Entry => ({
      date: serialOf(y, month, rng.int(1, daysIn(y, month))),
      type,
      category,
      text: type === 'Expense' ? rng.pick(CATEGORIES[category]!) : rng.pick(REBILLED),
      amount: cents(rng, 15, 1800),
    });
    const entries = drawUntil(
      rng,
      () => {
        const out: Entry[] = [];
        // Every cell of the summary has at least one expense, so no target is an empty 0.
        for (const c of listed) for (const m of months) out.push(entryOf(year, m, c));
        for (let i = 0; i < knob.extra; i++) out.push(entryOf(year, rng.int(1, 12), rng.pick(names), rng.next() < 0.15 ? 'Revenue' : 'Expense'));
        // The look-alikes: the same months of the neighbouring year (expenses, and revenues that a perturbation of the
        // types turns into expenses), revenue in the listed categories, other categories.
        for (let i = 0; i < knob.lookalikes; i++) {
          out.push(entryOf(other, rng.pick(months), rng.pick(listed), 'Revenue'));
          out.push(entryOf(other, rng.pick(months), rng.pick(listed)));
          out.push(entryOf(year, rng.pick(months), rng.pick(listed), 'Revenue'));
          out.push(entryOf(year, rng.pick(months), rng.pick(names.slice(knob.listed))));
        }
        return out.sort((a, b) => a.date - b.date);
      },
      (drawn) => CONDITIONS.every((c) => listed.some((cat) => months.some((m) => cellSum(drawn, cat, year, m, c) !== cellSum(drawn, cat, year, m)))),
    );
    const last = entries.length + 1;
    const k = listed.length;
    const totalCol = knob.months + 2;
    const totalRow = k + 2;
    const T = col(totalCol);
    const L = col(totalCol - 1);
    const J = (c: string) => `Journal!$${c}$2:$${c}$${last}`;
    const cells: string[] = [];
    for (let r = 2; r <= totalRow; r++) for (let c = 2; c <= totalCol; c++) cells.push(`Summary!${col(c)}${r}`);
    const expected = (wb: Workbook) => {
      const now = entriesOf(wb, last);
      const out: Record<string, Value> = { [`Summary!${T}1`]: 'Total', [`Summary!A${totalRow}`]: 'Total' };
      const colSums = new Array<number>(totalCol + 1).fill(0);
      for (let r = 2; r <= k + 1; r++) {
        let rowSum = 0;
        for (let c = 2; c < totalCol; c++) {
          const { year: y, month } = yearMonth(num(get(wb, `Summary!${col(c)}1`)));
          const v = cellSum(now, String(get(wb, `Summary!A${r}`)), y, month);
          out[`Summary!${col(c)}${r}`] = v;
          rowSum += v;
          colSums[c]! += v;
        }
        out[`Summary!${T}${r}`] = round2(rowSum);
        colSums[totalCol]! += rowSum;
      }
      for (let c = 2; c <= totalCol; c++) out[`Summary!${col(c)}${totalRow}`] = round2(colSums[c]!);
      return out;
    };
    const header = (c: number) => `${col(c)}$1`;
    const sumifs = (extra: (c: number) => string) => (r: number, c: number) =>
      `=SUMIFS(${J('E')},${J('C')},$A${r},${J('B')},"Expense",${J('A')},">="&${header(c)},${J('A')},"<="&${extra(c)})`;
    const monthEnd = sumifs((c) => `EOMONTH(${header(c)},0)`);
    const formulas: Record<string, (r: number, c: number) => string> = {
      'fill-grid': monthEnd,
      'write-block': (r, c) => `=SUMIFS(${J('E')},${J('A')},">="&${header(c)},${J('A')},"<"&EDATE(${header(c)},1),${J('B')},"Expense",${J('C')},$A${r})`,
      'relax:type': (r, c) => `=SUMIFS(${J('E')},${J('C')},$A${r},${J('A')},">="&${header(c)},${J('A')},"<="&EOMONTH(${header(c)},0))`,
      'relax:category': (_r, c) => `=SUMIFS(${J('E')},${J('B')},"Expense",${J('A')},">="&${header(c)},${J('A')},"<="&EOMONTH(${header(c)},0))`,
      'relax:year': (r, c) => {
        const shift = 12 * (other - year);
        const month = (from: string) => `${J('A')},">="&${from},${J('A')},"<="&EOMONTH(${from},0)`;
        const base = `${J('E')},${J('C')},$A${r},${J('B')},"Expense"`;
        return `=SUMIFS(${base},${month(header(c))})+SUMIFS(${base},${month(`EDATE(${header(c)},${shift})`)})`;
      },
      // Every row reads the first category's label.
      'guess:first-category': (_r, c) => monthEnd(2, c).replace('$A2', '$A$2'),
      'guess:whole-year': (r) => `=SUMIFS(${J('E')},${J('C')},$A${r},${J('B')},"Expense")`,
    };
    const sources = (wb: Workbook) => [rowLine(wb, 'Journal', 1, 5), rowLine(wb, 'Summary', 1, totalCol - 1), 'SUMIFS', 'Expense'];
    const how =
      'SUMIFS of the Amounts (Journal column E) whose Category (C) is the row label in column A, whose Type (B) is Expense, and whose Date (A) lies in the month of the header date in row 1 (from the 1st to EOMONTH of it)';
    const grids = (wb: Workbook, strategy: string): FormulaGrid[] => {
      const body = formulas[strategy] ?? formulas['fill-grid']!;
      const rangeSources = [`B2:${L}${k + 1}`];
      return [
        {
          sheet: 'Summary',
          top: 2,
          left: 2,
          bottom: k + 1,
          right: totalCol - 1,
          formula: body,
          label: 'the monthly expense totals',
          sources: sources(wb),
          how,
          rangeSources,
        },
        {
          sheet: 'Summary',
          top: 2,
          left: totalCol,
          bottom: k + 1,
          right: totalCol,
          formula: (r) => `=SUM(B${r}:${L}${r})`,
          label: 'the Total column',
          sources: ['Total', `B2:${L}${k + 1}`],
          how: "the sum of the row's monthly totals",
          rangeSources: [`${T}2:${T}${k + 1}`],
        },
        {
          sheet: 'Summary',
          top: totalRow,
          left: 2,
          bottom: totalRow,
          right: totalCol,
          formula: (_r, c) => `=SUM(${col(c)}2:${col(c)}${k + 1})`,
          label: 'the Total row',
          sources: ['Total', `B${totalRow}:${T}${totalRow}`],
          how: "the sum of the column's category rows",
          rangeSources: [`B${totalRow}:${T}${totalRow}`],
        },
      ];
    };
    const instruction =
      `Sheet Journal (A1:E${last}: Date, Type, Category, Description, Amount; dates are serial day numbers) is the company's journal, ` +
      `with entries of ${Math.min(year, other)} and ${Math.max(year, other)}, revenues and expenses. On sheet Summary, B1:${L}1 hold the first day of ` +
      `each month of ${year} to report and A2:A${k + 1} the expense categories (${listed.join(', ')}). Fill B2:${L}${k + 1} with formulas (SUMIFS over ` +
      `the Journal) for each category's Expense amounts of that month of ${year} only. Put "Total" in ${T}1 and in A${totalRow}; fill ${T}2:${T}${k + 1} ` +
      `with each category's total and B${totalRow}:${T}${totalRow} with each column's total, also as formulas. Change no other cell. Then submit.`;
    return {
      instruction,
      sheets: [
        {
          name: 'Journal',
          rows: [['Date', 'Type', 'Category', 'Description', 'Amount'], ...entries.map((e) => [e.date, e.type, e.category, e.text, e.amount])],
          formats: [{ range: `A2:A${last}`, format: { numFmt: 'yyyy-mm-dd' } }],
        },
        {
          name: 'Summary',
          rows: [['Category', ...months.map((m) => serialOf(year, m, 1))], ...listed.map((c) => [c])],
          formats: [{ range: `B1:${L}1`, format: { numFmt: 'mmm yyyy' } }],
        },
      ],
      focus: 'Summary',
      expected,
      // All or nothing: a condition dropped on a few cells earns nothing for the cells it happens to match.
      valueMode: 'all',
      labels: [`Summary!${T}1`, `Summary!A${totalRow}`],
      formulas: {
        cells,
        inputs: [`Journal!A2:C${last}`, `Journal!E2:E${last}`, `Summary!A2:A${k + 1}`, `Summary!B1:${L}1`],
        perturb: (wb, r) => {
          bump(wb, r, 'Journal', 'E', [2, last], 1, 40);
          relabel(wb, r, 'Journal', 'B', [2, last]);
          relabel(wb, r, 'Journal', 'C', [2, last]);
          // Dates move by a few days (some into the next month) and the summary's labels and months rotate:
          // a formula must read its row's category and its column's month.
          const moved: Record<string, Value> = {};
          for (let row = 2; row <= last; row++) moved[`Journal!A${row}`] = num(get(wb, `Journal!A${row}`)) + r.int(1, 20);
          const shiftCat = r.int(1, k - 1);
          listed.forEach((_, i) => (moved[`Summary!A${i + 2}`] = get(wb, `Summary!A${((i + shiftCat) % k) + 2}`)));
          // Months rotate among the reported ones, where the neighbouring year's look-alikes are.
          const shiftMonth = r.int(1, months.length - 1);
          months.forEach((_, i) => (moved[`Summary!${col(i + 2)}1`] = serialOf(year, months[(i + shiftMonth) % months.length]!, 1)));
          setValues(wb, moved);
        },
      },
      expert: (view) => expertStep(view, { grids, last, totalCol, totalRow, k, expected }),
      distractors: [
        call('read_range', { range: `Journal!A1:E${last}` }),
        call('set_formula', { cell: 'Summary!B2', formula: `=SUMIF(${J('C')},$A2,${J('E')})` }),
        call('set_format', { range: `Summary!B2:${T}${totalRow}`, number_format: '#,##0.00' }),
      ],
    };
  },
};

interface Plan {
  grids(wb: Workbook, strategy: string): FormulaGrid[];
  last: number;
  totalCol: number;
  totalRow: number;
  k: number;
  expected(wb: Workbook): Record<string, Value>;
}

function expertStep(view: ExpertView, p: Plan): ExpertStep {
  const { wb, strategy } = view;
  const T = col(p.totalCol);
  const reads = [
    readIfUnseen(
      view,
      'Summary',
      `A1:${col(p.totalCol - 1)}${p.k + 1}`,
      [`A2:A${p.k + 1}`],
      'I need the category labels and month headers of the summary; reading them.',
    ),
    readIfUnseen(
      view,
      'Journal',
      `A1:E${p.last}`,
      [`A1:E${p.last}`],
      `The summary is built over the Journal, which I have not seen in full; reading A1:E${p.last}.`,
    ),
  ];
  const read = reads.find((s) => s !== undefined);
  if (read) return read;
  const labels = [labelMove(wb, 'Summary', `${T}1`, 'Total', [`${T}1`]), labelMove(wb, 'Summary', `A${p.totalRow}`, 'Total', [`A${p.totalRow}`])];
  if (strategy === 'typed-totals' || strategy === 'totals-only')
    return typedStep(wb, p, strategy) ?? labels.find(Boolean) ?? submit('The summary is filled in; submitting.');
  const grids = p.grids(wb, strategy);
  const gridMove = strategy === 'write-block' ? writeGridMove : fillGridMove;
  for (const g of grids) {
    const next = gridMove(wb, g);
    if (next) return next;
  }
  return (
    labels.find(Boolean) ??
    submit('Every category and month of the summary is a SUMIFS over the Journal, with formulas for the Total column and the Total row; submitting.')
  );
}

/** Near-misses: every total typed in as a number, or the Total column and row only (the month cells left empty). */
function typedStep(wb: Workbook, p: Plan, strategy: string): ExpertStep | undefined {
  const want = p.expected(wb);
  const values: (number | null)[][] = [];
  for (let r = 2; r <= p.totalRow; r++) {
    const row: (number | null)[] = [];
    for (let c = 2; c <= p.totalCol; c++) {
      const skip = strategy === 'totals-only' && c < p.totalCol && r < p.totalRow;
      row.push(skip ? null : (want[`Summary!${col(c)}${r}`] as number));
    }
    values.push(row);
  }
  const range = `B2:${col(p.totalCol)}${p.totalRow}`;
  const same = values.every((row, i) => row.every((v, j) => get(wb, `Summary!${col(j + 2)}${i + 2}`) === v));
  return same ? undefined : { call: call('write_cells', { range: `Summary!${range}`, values }), text: 'Typing the totals as numbers.', derived: [] };
}

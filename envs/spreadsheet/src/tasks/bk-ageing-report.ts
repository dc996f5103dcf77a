import type { Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { daysIn, serialOf, yearMonth } from './bk-ledger.js';
import { cents, COMPANIES, money } from './bk-names.js';
import { rowLine } from './expert-kit.js';
import { call, get, num, setValues } from './helpers.js';
import { constantFormulas, formulaColumnExpert, typedValues } from './shapes/formula-column.js';
import { sheetComponents, type FamilyDef } from './task.js';

/** The buckets' columns on sheet Ageing and their labels. */
const BUCKETS = [
  { col: 'B', label: 'Current' },
  { col: 'C', label: '1-30' },
  { col: 'D', label: '31-60' },
  { col: 'E', label: '61-90' },
  { col: 'F', label: '90+' },
];
/** Where the customers' rows start on sheet Ageing (row 1: the as-of date, row 3: the headers). */
const TOP = 4;
const TERMS = [14, 30, 30, 45, 60];
/** Per tier: customers, open invoices besides the edge ones, invoices due exactly on a bucket edge. */
const SIZE: Record<Difficulty, { customers: number; open: [number, number]; edges: number }> = {
  easy: { customers: 3, open: [6, 8], edges: 1 },
  medium: { customers: 4, open: [9, 12], edges: 2 },
  hard: { customers: 6, open: [14, 18], edges: 3 },
};

interface Invoice {
  customer: string;
  issued: number;
  due: number;
  cents: number;
  open: boolean;
}

/** How a careless report ages the invoices: the conditions dropped (and the guesses). */
interface Aging {
  /** Age from this date instead of the as-of date. */
  asOf?: (asOf: number) => number;
  /** Count the due date itself as a day overdue (the edges one day off). */
  shifted?: boolean;
  /** Count paid invoices too. */
  paid?: boolean;
  /** Age from the invoice date instead of the due date. */
  byIssue?: boolean;
}

/** The bucket (0: Current .. 4: 90+) of an invoice due on `due`, aged at `asOf`. */
export function bucketOf(due: number, asOf: number): number {
  const late = asOf - due;
  return late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4;
}

/** The last day of the month of a serial day, as EOMONTH(date, 0). */
function monthEnd(serial: number): number {
  const { year, month } = yearMonth(serial);
  return serialOf(year, month, daysIn(year, month));
}

/** Each customer's five bucket totals in cents. */
function ageing(invoices: readonly Invoice[], customers: readonly string[], asOf: number, how: Aging = {}): number[][] {
  const at = how.asOf?.(asOf) ?? asOf;
  const out = customers.map(() => [0, 0, 0, 0, 0]);
  for (const inv of invoices) {
    const c = customers.indexOf(inv.customer);
    if (c < 0 || !(inv.open || how.paid)) continue;
    out[c]![bucketOf(how.byIssue ? inv.issued : inv.due, at + (how.shifted ? 1 : 0))]! += inv.cents;
  }
  return out;
}

/** The careless agings a drawn ledger must tell apart from the right one. */
const CARELESS: Record<string, Aging> = {
  'relax:as-of': { asOf: monthEnd },
  'relax:bucket-edges': { shifted: true },
  'relax:paid': { paid: true },
  'guess:by-invoice-date': { byIssue: true },
};

function drawLedger(rng: Rng, tier: Difficulty, customers: string[], asOf: number): Invoice[] {
  const size = SIZE[tier];
  const invoice = (due: number, open: boolean): Invoice => ({
    customer: rng.pick(customers),
    issued: due - rng.pick(TERMS),
    due,
    cents: rng.int(8_000, 900_000),
    open,
  });
  const open = Array.from({ length: rng.int(...size.open) }, () => invoice(asOf - rng.int(-30, 130), true));
  const edges = Array.from({ length: size.edges }, () => invoice(asOf - rng.pick([0, 30, 60, 90]), true));
  // At least as many paid invoices as customer-bucket cells: the formulas check reopens them (perturbInvoices).
  const paid = Array.from({ length: customers.length * BUCKETS.length + rng.int(1, 4) }, () => invoice(asOf - rng.int(-10, 150), false));
  return rng.shuffle([...open, ...edges, ...paid]).sort((a, b) => a.issued - b.issued);
}

/** Ageing report: per customer, the open invoices' amounts in the buckets Current, 1-30, 31-60, 61-90 and 90+ days past due at an as-of date. */
export const bkAgeingReport: FamilyDef = {
  name: 'bk-ageing-report',
  job: 'bookkeeping',
  difficulty: 'hard',
  tiers: ['easy', 'medium', 'hard'],
  heldOut: true,
  description:
    'Build an accounts-receivable ageing report: per customer, the open invoices’ amounts by days past due at an as-of date (Current, 1-30, 31-60, 61-90, 90+), with SUMIFS formulas.',
  strategies: ['fill-down', 'one-block'],
  nearMisses: ['typed-values', 'constant-formulas'],
  components: sheetComponents('formulas', 'values'),
  collateral: true,
  conditions: ['as-of', 'bucket-edges', 'paid'],
  guesses: ['all-current', 'by-invoice-date'],
  generate(rng, _task, tier) {
    const size = SIZE[tier];
    const year = rng.int(2023, 2025);
    const month = rng.int(1, 12);
    const asOf = serialOf(year, month, rng.int(5, 24));
    const customers = rng.sample(COMPANIES, size.customers);
    const invoices = drawUntil(
      rng,
      () => drawLedger(rng, tier, customers, asOf),
      (ledger) => {
        const right = ageing(ledger, customers, asOf).flat().join();
        const allCurrent = customers.map((c) => [ledger.filter((i) => i.open && i.customer === c).reduce((s, i) => s + i.cents, 0), 0, 0, 0, 0]);
        return allCurrent.flat().join() !== right && Object.values(CARELESS).every((how) => ageing(ledger, customers, asOf, how).flat().join() !== right);
      },
    );
    const n = invoices.length + 1;
    const last = TOP + customers.length - 1;
    const ledgerRows: Value[][] = invoices.map((inv, i) => [
      `INV-${31_000 + i * 3}`,
      inv.customer,
      inv.issued,
      inv.due,
      money(inv.cents),
      inv.open ? 'Open' : 'Paid',
    ]);
    const range = (col: string) => `Invoices!$${col}$2:$${col}$${n}`;
    const head = (r: number) => `${range('E')},${range('B')},$A${r},${range('F')},"Open"`;
    const due = range('D');
    /** The formulas of row r given how the as-of date is written (`$B$1`, or a careless stand-in). */
    const sumifs = (at: string, le = false): Record<string, (r: number) => string> => ({
      B: (r: number) => `=SUMIFS(${head(r)},${due},">="&${at})`,
      C: (r: number) => `=SUMIFS(${head(r)},${due},${le ? `"<="&(${at}-1)` : `"<"&${at}`},${due},">="&(${at}-30))`,
      D: (r: number) => `=SUMIFS(${head(r)},${due},${le ? `"<="&(${at}-31)` : `"<"&(${at}-30)`},${due},">="&(${at}-60))`,
      E: (r: number) => `=SUMIFS(${head(r)},${due},${le ? `"<="&(${at}-61)` : `"<"&(${at}-60)`},${due},">="&(${at}-90))`,
      F: (r: number) => `=SUMIFS(${head(r)},${due},${le ? `"<="&(${at}-91)` : `"<"&(${at}-90)`})`,
    });
    const right = sumifs('$B$1');
    const inclusive = sumifs('$B$1', true);
    const paidToo = (r: number) => `${range('E')},${range('B')},$A${r}`;
    const wrong: Record<string, Record<string, (r: number) => string>> = {
      'relax:as-of': sumifs('EOMONTH($B$1,0)'),
      'relax:bucket-edges': sumifs('($B$1+1)'),
      'relax:paid': Object.fromEntries(Object.entries(right).map(([c, f]) => [c, (r: number) => f(r).replace(head(r), paidToo(r))])),
      'guess:all-current': { B: (r) => `=SUMIFS(${head(r)})`, C: () => '=0', D: () => '=0', E: () => '=0', F: () => '=0' },
      'guess:by-invoice-date': Object.fromEntries(Object.entries(right).map(([c, f]) => [c, (r: number) => f(r).replaceAll(due, range('C'))])),
    };
    const expected = (wb: Workbook) => {
      const names = Array.from({ length: customers.length }, (_, i) => get(wb, `Ageing!A${TOP + i}`));
      const rows: Invoice[] = [];
      for (let r = 2; r <= n; r++)
        rows.push({
          customer: String(get(wb, `Invoices!B${r}`)),
          issued: num(get(wb, `Invoices!C${r}`)),
          due: num(get(wb, `Invoices!D${r}`)),
          cents: cents(num(get(wb, `Invoices!E${r}`))),
          open: get(wb, `Invoices!F${r}`) === 'Open',
        });
      const totals = ageing(rows, names.map(String), num(get(wb, 'Ageing!B1')));
      return Object.fromEntries(totals.flatMap((row, i) => row.map((c, b) => [`Ageing!${BUCKETS[b]!.col}${TOP + i}`, money(c)])));
    };
    const cells = customers.flatMap((_, i) => BUCKETS.map((b) => `Ageing!${b.col}${TOP + i}`));
    return {
      instruction:
        `Sheet Invoices (A1:F${n}: Invoice, Customer, Invoice date, Due date, Amount, Status) is the sales ledger; dates are serial day numbers. ` +
        `On sheet Ageing, B1 holds the as-of date. For each customer in A${TOP}:A${last}, fill B (Current: due on or after the as-of date), C (1-30 days past due), ` +
        `D (31-60), E (61-90) and F (90+: more than 90 days) with the total Amount of the customer's Open invoices in that bucket, days past due being ` +
        `the as-of date minus the Due date; Paid invoices count nowhere. Use formulas over Invoices that read the as-of date from B1 (SUMIFS with date criteria, ` +
        'for example), so the report follows when the ledger or the date changes. Change no other cell. Then submit.',
      sheets: [
        {
          name: 'Invoices',
          rows: [['Invoice', 'Customer', 'Invoice date', 'Due date', 'Amount', 'Status'], ...ledgerRows],
          formats: [
            { range: `C2:D${n}`, format: { numFmt: 'yyyy-mm-dd' } },
            { range: `E2:E${n}`, format: { numFmt: '#,##0.00' } },
          ],
        },
        {
          name: 'Ageing',
          rows: [['As of', asOf], [], ['Customer', ...BUCKETS.map((b) => b.label)], ...customers.map((c) => [c, null, null, null, null, null])],
          formats: [
            { range: 'B1', format: { numFmt: 'yyyy-mm-dd' } },
            { range: `B${TOP}:F${last}`, format: { numFmt: '#,##0.00' } },
          ],
        },
      ],
      focus: 'Ageing',
      expected,
      // All or nothing: a report that drops a condition is right in most cells and still wrong.
      valueMode: 'all',
      formulas: {
        cells,
        inputs: [`Invoices!B2:B${n}`, `Invoices!D2:F${n}`, 'Ageing!B1', `Ageing!A${TOP}:A${last}`],
        perturb: (wb, r) => reopen(wb, r, { n, customers: customers.length }),
      },
      expert: formulaColumnExpert({
        reads: [
          { sheet: 'Ageing', range: 'A1:B1', sources: ['B1'], why: 'The buckets count from the as-of date in B1; reading it.' },
          { sheet: 'Ageing', range: `A3:A${last}`, sources: [`A${TOP}:A${last}`], why: 'Reading the customers the report lists.' },
          { sheet: 'Invoices', range: `A1:F${n}`, why: `The amounts come from sheet Invoices, which I have not seen; reading the ledger (A1:F${n}).` },
        ],
        block: ({ wb, strategy }) => {
          const f = wrong[strategy] ?? (strategy === 'one-block' ? inclusive : right);
          return {
            sheet: 'Ageing',
            top: TOP,
            bottom: last,
            columns: BUCKETS.map((b) => ({
              col: b.col,
              label: b.label,
              formula: f[b.col]!,
              alternatives: (r: number) => (wrong[strategy] ? [] : [right[b.col]!(r), inclusive[b.col]!(r)]),
            })),
            sources: [rowLine(wb, 'Invoices', 1, 6), rowLine(wb, 'Ageing', 1, 2), rowLine(wb, 'Ageing', 3, 6), 'SUMIFS', 'the as-of date minus the Due date'],
            how: `SUMIFS of the Amounts (Invoices column E) of the row's customer (column B) with Status "Open" (column F) whose Due date (column D) lies in the bucket, counted back from the as-of date in B1: on or after it for Current, 1-30, 31-60 and 61-90 days before it, more than 90`,
            rangeSources: [`A${TOP}:A${last}`],
          };
        },
        expected,
        blockStrategies: ['one-block'],
        typed: {
          'typed-values': typedValues('Typing each bucket total in.'),
          'constant-formulas': constantFormulas('Each bucket total as a formula of its own number.'),
        },
        wrongFormulas: Object.keys(wrong),
        done: 'Every customer’s Current, 1-30, 31-60, 61-90 and 90+ totals are SUMIFS formulas over the open invoices, counted from the as-of date; submitting.',
      }),
      distractors: [
        call('read_range', { range: `Invoices!A1:F${n}` }),
        call('set_formula', { cell: `Ageing!B${TOP}`, formula: `=SUMIFS(${range('E')},${range('B')},A${TOP})` }),
        call('read_range', { range: 'Ageing!A1:F3' }),
      ],
    };
  },
};

/**
 * The formulas check's new ledger: customers renamed, every invoice given a new due date and
 * amount, paid ones reopened and open ones paid, and the as-of date moved back, so every cell the
 * formulas read changes; the first reopened invoices fill every customer's every bucket, so
 * every total moves.
 */
function reopen(wb: Workbook, rng: Rng, { n, customers }: { n: number; customers: number }): void {
  // An earlier date, never a month end: aged from the old date (typed in) or from the month end,
  // the invoices on a bucket's last day fall into the next bucket.
  let asOf = num(get(wb, 'Ageing!B1')) - rng.int(5, 40);
  if (monthEnd(asOf) === asOf) asOf -= 1;
  const values: Record<string, Value> = { 'Ageing!B1': asOf };
  const names = Array.from({ length: customers }, (_, i) => `${String(get(wb, `Ageing!A${TOP + i}`))} (new)`);
  const shift = rng.int(1, customers - 1);
  names.forEach((_, i) => (values[`Ageing!A${TOP + i}`] = names[(i + shift) % customers]!));
  // Days past due: the reopened invoices that fill the cells sit on each bucket's last day, so
  // that formulas with the edges a day off fail here too; the others anywhere.
  const edges = [0, 30, 60, 90, rng.int(91, 200)];
  let cell = 0;
  for (let r = 2; r <= n; r++) {
    const reopened = get(wb, `Invoices!F${r}`) === 'Paid';
    const covering = reopened && cell < customers * edges.length;
    const c = covering ? cell % customers : rng.int(0, customers - 1);
    const late = covering ? edges[Math.floor(cell++ / customers)]! : rng.int(-20, 200);
    values[`Invoices!B${r}`] = names[c]!;
    values[`Invoices!D${r}`] = asOf - late;
    values[`Invoices!E${r}`] = num(get(wb, `Invoices!E${r}`)) + rng.int(1, 500);
    values[`Invoices!F${r}`] = reopened ? 'Open' : 'Paid';
  }
  setValues(wb, values);
}

import type { Difficulty, ExpertStep } from '@workgym/protocol/kit';
import { drawUntil } from '@workgym/protocol/kit';
import type { Rng } from '@workgym/protocol';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { fillGridMove, holds, labelMove, serialOf } from './bk-ledger.js';
import { derive, move, readIfUnseen, refDerivation, rowLine, submit } from './expert-kit.js';
import { call, get, LAST, PRODUCTS } from './helpers.js';
import { sheetComponents, type ExpertView, type FamilyDef } from './task.js';

/** The tier's knob: how many invoices, and how many of each look-alike the ledger holds. */
const TIERS: Record<Difficulty, { invoices: number; duplicates: number; partial: number; sameAmount: number; voids: number; missing: number }> = {
  easy: { invoices: 10, duplicates: 1, partial: 1, sameAmount: 1, voids: 1, missing: 1 },
  medium: { invoices: 20, duplicates: 2, partial: 2, sameAmount: 2, voids: 2, missing: 2 },
  hard: { invoices: 40, duplicates: 3, partial: 4, sameAmount: 4, voids: 3, missing: 4 },
};

type Condition = 'invoice' | 'amount' | 'earlier' | 'void';
const CONDITIONS: readonly Condition[] = ['invoice', 'amount', 'earlier', 'void'];

interface Invoice {
  number: string;
  customer: string;
  issued: number;
  amount: number;
  void: boolean;
}

interface Payment {
  date: number;
  invoice: string;
  customer: string;
  amount: number;
  reference: string;
}

/** The duplicate flag of each payment: an earlier row (a later one too, `earlier` dropped) with the same invoice and amount, one of them dropped. */
function flags(payments: readonly Payment[], dropped?: Condition): ('Yes' | 'No')[] {
  const same = (a: Payment, b: Payment) => (dropped === 'invoice' || a.invoice === b.invoice) && (dropped === 'amount' || a.amount === b.amount);
  return payments.map((p, i) => (payments.some((q, j) => j !== i && (dropped === 'earlier' || j < i) && same(p, q)) ? 'Yes' : 'No'));
}

/** Invoice numbers with no payment at all, in number order; void ones too with `void` dropped. */
function missing(invoices: readonly Invoice[], payments: readonly Payment[], dropped?: Condition): string[] {
  const paid = new Set(payments.map((p) => p.invoice));
  return invoices.filter((inv) => (dropped === 'void' || !inv.void) && !paid.has(inv.number)).map((inv) => inv.number);
}

const money = (rng: Rng) => rng.int(80, 4800) + rng.pick([0, 0.5, 0.25, 0.99, 0.4]);

/** Draws a ledger with every look-alike the tier asks for. */
function drawLedger(rng: Rng, knob: (typeof TIERS)[Difficulty]): { invoices: Invoice[]; payments: Payment[] } {
  const year = rng.int(2023, 2026);
  const month = rng.int(1, 9);
  const base = rng.int(10, 80) * 100;
  // Customers as a trade ledger names them: "Novak Flange Supply", "Chen Valve Ltd".
  const customers = LAST.map((name) => `${name} ${rng.pick(PRODUCTS)} ${rng.pick(['Ltd', 'Supply', 'Trading', '& Co'])}`);
  const invoices: Invoice[] = Array.from({ length: knob.invoices }, (_, i) => ({
    number: `INV-${base + i}`,
    customer: rng.pick(customers),
    issued: serialOf(year, month, 1) + i * 2 + rng.int(0, 1),
    amount: money(rng),
    void: false,
  }));
  // Roles by position in a shuffled order, so each look-alike is some invoice, never always the same one.
  const order = rng.shuffle([...invoices.keys()]);
  const take = (count: number) => order.splice(0, count).map((i) => invoices[i]!);
  const voids = take(knob.voids);
  const unpaid = take(knob.missing);
  const partial = take(knob.partial);
  const doubled = take(knob.duplicates);
  // A same-amount look-alike: another invoice (a recurring fee) for exactly the amount of one paid in full.
  for (const pair of Array.from({ length: knob.sameAmount }, () => take(2))) pair[1]!.amount = pair[0]!.amount;
  for (const inv of voids) inv.void = true;
  const payments: Payment[] = [];
  const pay = (inv: Invoice, amount: number) =>
    payments.push({ date: inv.issued + rng.int(5, 40), invoice: inv.number, customer: inv.customer, amount, reference: `TRF ${rng.int(10000, 99999)}` });
  for (const inv of invoices) {
    if (inv.void || unpaid.includes(inv)) continue;
    if (partial.includes(inv)) {
      // Never half: two equal part payments would be a duplicate by the task's own rule.
      const first = Math.round(inv.amount * rng.int(30, 45)) / 100;
      pay(inv, first);
      pay(inv, Math.round((inv.amount - first) * 100) / 100);
    } else pay(inv, inv.amount);
    if (doubled.includes(inv)) pay(inv, inv.amount);
  }
  payments.sort((a, b) => a.date - b.date);
  return { invoices, payments };
}

/** Whether every condition, dropped, changes the flags or the missing list. */
function fair({ invoices, payments }: { invoices: Invoice[]; payments: Payment[] }): boolean {
  const right = JSON.stringify([flags(payments), missing(invoices, payments)]);
  return CONDITIONS.every((c) => JSON.stringify([flags(payments, c), missing(invoices, payments, c)]) !== right);
}

/** Bookkeeping: flag duplicated payments and list the issued invoices nobody paid. */
export const bkFindDuplicatesMissing: FamilyDef = {
  name: 'bk-find-duplicates-missing',
  job: 'bookkeeping',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description: 'Flag payments that repeat an earlier payment of the same invoice and amount, and list the issued invoices with no payment on a new sheet.',
  strategies: ['formula-flags', 'typed-flags'],
  nearMisses: ['flags-only', 'missing-only'],
  components: sheetComponents('values', 'labels'),
  collateral: true,
  conditions: CONDITIONS,
  guesses: ['no-duplicates', 'last-payment'],
  generate(rng, _task, tier) {
    const { invoices, payments } = drawUntil(rng, (r) => drawLedger(r, TIERS[tier]), fair);
    const n = payments.length;
    const last = n + 1;
    const invLast = invoices.length + 1;
    const expected = () => {
      const out: Record<string, Value> = { 'Payments!F1': 'Duplicate', 'Missing!A1': 'Missing invoice' };
      flags(payments).forEach((f, i) => (out[`Payments!F${i + 2}`] = f));
      const list = missing(invoices, payments);
      // Below the list, nothing: listing more invoices than are missing is wrong.
      for (let i = 0; i < invoices.length; i++) out[`Missing!A${i + 2}`] = list[i] ?? null;
      return out;
    };
    const instruction =
      `Sheet Invoices (A1:E${invLast}: Invoice, Customer, Issued, Amount, Status) lists the invoice numbers issued this period; Void ones were cancelled. ` +
      `Sheet Payments (A1:E${last}: Date, Invoice, Customer, Amount, Reference) is the payments ledger, oldest first. A payment is a duplicate when a row ` +
      `above it has the same Invoice and the same Amount (two part payments of one invoice are not duplicates, nor are equal amounts of different invoices). ` +
      `Put "Duplicate" in F1 of Payments and in F2:F${last} "Yes" for each duplicate payment and "No" for every other one. Then create a sheet named Missing ` +
      `with "Missing invoice" in A1 and, from A2 down, the number of every invoice that is not Void and has no payment at all, in invoice-number order. ` +
      'Change nothing else. Then submit.';
    return {
      instruction,
      sheets: [
        {
          name: 'Invoices',
          rows: [
            ['Invoice', 'Customer', 'Issued', 'Amount', 'Status'],
            ...invoices.map((i) => [i.number, i.customer, i.issued, i.amount, i.void ? 'Void' : 'Issued']),
          ],
          formats: [{ range: `C2:C${invLast}`, format: { numFmt: 'yyyy-mm-dd' } }],
        },
        {
          name: 'Payments',
          rows: [['Date', 'Invoice', 'Customer', 'Amount', 'Reference'], ...payments.map((p) => [p.date, p.invoice, p.customer, p.amount, p.reference])],
          formats: [{ range: `A2:A${last}`, format: { numFmt: 'yyyy-mm-dd' } }],
        },
      ],
      focus: 'Payments',
      expected,
      // All or nothing: flags or a list with one condition dropped earn nothing for the rows they happen to get right.
      valueMode: 'all',
      labels: ['Payments!F1', 'Missing!A1'],
      expert: (view) => expertStep(view, { n, invLast, invoices, payments }),
      distractors: [
        call('read_range', { range: `Invoices!A1:E${invLast}` }),
        call('set_formula', { cell: 'Payments!F2', formula: '=IF(COUNTIF($B$2:B2,B2)>1,"Yes","No")' }),
        call('set_format', { range: 'Payments!A1:E1', bold: true }),
      ],
    };
  },
};

interface Plan {
  n: number;
  invLast: number;
  invoices: readonly Invoice[];
  payments: readonly Payment[];
}

/** The flag formulas of each strategy and careless attempt, row `r` of Payments. */
const FLAG_FORMULAS: Record<string, (r: number, last: number) => string> = {
  right: (r) => `=IF(COUNTIFS($B$2:B${r},B${r},$D$2:D${r},D${r})>1,"Yes","No")`,
  'relax:invoice': (r) => `=IF(COUNTIF($D$2:D${r},D${r})>1,"Yes","No")`,
  'relax:amount': (r) => `=IF(COUNTIF($B$2:B${r},B${r})>1,"Yes","No")`,
  'relax:earlier': (r, last) => `=IF(COUNTIFS($B$2:$B$${last},B${r},$D$2:$D$${last},D${r})>1,"Yes","No")`,
};

/** Payments and invoices as the sheets show them now. */
function ledgerNow(wb: Workbook, p: Plan): { invoices: Invoice[]; payments: Payment[] } {
  const payments: Payment[] = [];
  for (let r = 2; r <= p.n + 1; r++)
    payments.push({ date: 0, invoice: String(get(wb, `Payments!B${r}`)), customer: '', amount: Number(get(wb, `Payments!D${r}`)), reference: '' });
  const invoices: Invoice[] = [];
  for (let r = 2; r <= p.invLast; r++)
    invoices.push({ number: String(get(wb, `Invoices!A${r}`)), customer: '', issued: 0, amount: 0, void: get(wb, `Invoices!E${r}`) === 'Void' });
  return { invoices, payments };
}

function expertStep(view: ExpertView, p: Plan): ExpertStep {
  const { wb, strategy } = view;
  const last = p.n + 1;
  const read =
    readIfUnseen(
      view,
      'Invoices',
      `A1:E${p.invLast}`,
      [`A1:E${p.invLast}`],
      `I need every issued invoice and its Status; reading Invoices (A1:E${p.invLast}).`,
    ) ?? readIfUnseen(view, 'Payments', `A1:E${last}`, [`A1:E${last}`], `I need every payment's Invoice and Amount; reading Payments (A1:E${last}).`);
  if (read) return read;
  const now = ledgerNow(wb, p);
  const dropped = strategy.startsWith('relax:') ? (strategy.slice('relax:'.length) as Condition) : undefined;
  const flagStep = strategy === 'missing-only' ? undefined : flagsMove(view, p, now.payments, dropped);
  if (flagStep) return flagStep;
  const label = strategy === 'missing-only' ? undefined : labelMove(wb, 'Payments', 'F1', 'Duplicate', ['F1']);
  if (label) return label;
  if (strategy === 'flags-only') return submit('The duplicate payments are flagged; submitting.');
  const list = strategy.startsWith('guess:') ? [] : missing(now.invoices, now.payments, dropped);
  const listStep = missingMove(view, p, list);
  if (listStep) return listStep;
  return submit('Every payment is flagged Yes or No, and sheet Missing lists the invoices that are not Void and have no payment; submitting.');
}

/** The next move of the flags: the formula filled down, or every flag typed in one call. */
function flagsMove(view: ExpertView, p: Plan, payments: readonly Payment[], dropped?: Condition): ExpertStep | undefined {
  const { wb, strategy } = view;
  const last = p.n + 1;
  if (strategy.startsWith('guess:')) {
    const values = payments.map((_, i) => [strategy === 'guess:last-payment' && i === payments.length - 1 ? 'Yes' : 'No']);
    if (values.every((v, i) => holds(wb, `Payments!F${i + 2}`, v[0]!))) return undefined;
    return move(
      'write_cells',
      { range: `Payments!F2:F${last}`, values },
      strategy === 'guess:last-payment' ? 'Flagging the last payment.' : 'No payment is a duplicate.',
    );
  }
  if (strategy === 'typed-flags') {
    const want = flags(payments);
    if (want.every((f, i) => holds(wb, `Payments!F${i + 2}`, f))) return undefined;
    const lines = (i: number) => payments.flatMap((q, j) => (j <= i && q.invoice === payments[i]!.invoice ? [rowLine(wb, 'Payments', j + 2, 5)] : []));
    const dupes = want.flatMap((f, i) => (f === 'Yes' ? [i + 2] : []));
    return move(
      'write_cells',
      { range: `Payments!F2:F${last}`, values: want.map((f) => [f]) },
      `Rows ${dupes.join(', ')} repeat the Invoice and the Amount of a payment above them; every other row is a first payment, a part payment, or another invoice's equal amount. I type Yes for those and No for the rest.`,
      [
        refDerivation('Payments', `F2:F${last}`, [`F2:F${last}`], 'the flag column the task names'),
        ...want.map((f, i) => derive(f, lines(i), 'Yes when a row above has the same Invoice and Amount')),
      ],
    );
  }
  const formula = FLAG_FORMULAS[`relax:${dropped}`] ?? FLAG_FORMULAS.right!;
  return fillGridMove(wb, {
    sheet: 'Payments',
    top: 2,
    left: 6,
    bottom: last,
    right: 6,
    formula: (r) => formula(r, last),
    label: 'the Duplicate flags',
    sources: [rowLine(wb, 'Payments', 1, 5), 'the same Invoice and the same Amount', '"Yes"', '"No"'],
    how: 'COUNTIFS over the rows from 2 down to this one, of the same Invoice (B) and the same Amount (D): more than 1 means a row above repeats it',
    rangeSources: [`F2:F${last}`],
  });
}

/** Creates sheet Missing and writes its header and list; undefined when it holds them. */
function missingMove(view: ExpertView, p: Plan, list: readonly string[]): ExpertStep | undefined {
  const { wb } = view;
  if (!wb.sheet('Missing'))
    return move('create_sheet', { name: 'Missing' }, 'The task asks for a new sheet named Missing for the unpaid invoices; creating it.');
  const values = ['Missing invoice', ...list];
  const stale = Array.from({ length: p.invoices.length + 1 }, (_, i) => i + 1).filter((r) => get(wb, `Missing!A${r}`) !== (values[r - 1] ?? null));
  if (stale.length === 0) return undefined;
  const rows = Math.max(values.length, ...stale);
  const column = Array.from({ length: rows }, (_, i) => [values[i] ?? null]);
  const sources = list.map((num) => rowLine(wb, 'Invoices', p.invoices.findIndex((inv) => inv.number === num) + 2, 5));
  return move(
    'write_cells',
    { range: `Missing!A1:A${rows}`, values: column },
    list.length === 0
      ? 'Writing the header of the Missing sheet.'
      : `Invoices ${list.join(', ')} are not Void and no Payments row names them; I list them under the "Missing invoice" header in number order.`,
    [
      refDerivation('Missing', `A1:A${rows}`, ['A1', 'A2'], 'the header cell and the list below it'),
      ...list.map((num, i) => derive(num, [sources[i]!], 'an Issued invoice that no payment names')),
    ],
  );
}

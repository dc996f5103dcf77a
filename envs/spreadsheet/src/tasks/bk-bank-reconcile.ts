import type { Rng } from '@workgym/protocol';
import { drawUntil, type Derived, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { daysIn, serialOf } from './bk-ledger.js';
import { cents, COMPANIES, money } from './bk-names.js';
import { cellAt, derive, move, readIfUnseen, refDerivation, rowLine, submit } from './expert-kit.js';
import { call, get, num } from './helpers.js';
import { sheetComponents, type ExpertView, type FamilyDef } from './task.js';

/** What a bank line must share with a ledger entry to match it; each is a condition of the task. */
const RULES = ['amount', 'date-window', 'reference'] as const;
type Rule = (typeof RULES)[number];

export const UNMATCHED = 'UNMATCHED';

/** A statement line; `cents` signed (money in positive). */
interface BankLine {
  date: number;
  desc: string;
  cents: number;
}

/** A cash-book entry; `cents` is Debit − Credit, so it has the sign of its bank line. */
interface Entry {
  date: number;
  ref: string;
  party: string;
  cents: number;
}

/** The statement and the cash book, with the rule's day window and whether split payments are stated. */
export interface Books {
  bank: BankLine[];
  ledger: Entry[];
  window: number;
  splits: boolean;
}

const carries = (b: BankLine, e: Entry) => b.desc.toUpperCase().includes(e.ref.toUpperCase());
const near = (books: Books, b: BankLine, e: Entry) => Math.abs(b.date - e.date) <= books.window;

/** The amount rule: the same amount, or (split payments stated) one of two lines carrying the entry's Ref that add up to it. */
function amountFits(books: Books, b: BankLine, e: Entry): boolean {
  if (b.cents === e.cents) return true;
  return books.splits && books.bank.some((o) => o !== b && carries(o, e) && near(books, o, e) && o.cents + b.cents === e.cents);
}

/** Whether bank line `b` matches entry `e` by every rule but `dropped`. */
function matches(books: Books, b: BankLine, e: Entry, dropped?: Rule): boolean {
  return (dropped === 'date-window' || near(books, b, e)) && (dropped === 'reference' || carries(b, e)) && (dropped === 'amount' || amountFits(books, b, e));
}

/**
 * Each bank line's Match: the Ref of the first ledger entry (in the cash book's order) it
 * matches, or UNMATCHED. With a rule dropped this is the careless reconciliation its
 * `relax:` expert plays; with none, the truth (the generator makes that match unique).
 */
export function reconcile(books: Books, dropped?: Rule): string[] {
  return books.bank.map((b) => books.ledger.find((e) => matches(books, b, e, dropped))?.ref ?? UNMATCHED);
}

/** Per tier: true matches, extra look-alikes (beyond one per rule), bank-only lines, open ledger entries, split payments. */
const SIZE: Record<Difficulty, { matched: [number, number]; lookalikes: number; fees: number; open: number; splits: number }> = {
  easy: { matched: [5, 6], lookalikes: 0, fees: 1, open: 2, splits: 0 },
  medium: { matched: [9, 11], lookalikes: 2, fees: 2, open: 3, splits: 0 },
  hard: { matched: [13, 16], lookalikes: 4, fees: 2, open: 4, splits: 2 },
};

const IN = ['SEPA CT {P} {R}', 'TRANSFER FROM {P} REF {R}', '{P} PAYMENT {R}'];
const OUT = ['SEPA DD {P} {R}', 'PAYMENT TO {P} {R}', 'STANDING ORDER {P} {R}'];
const FEES = ['ACCOUNT FEE', 'CARD TRANSACTION FEES', 'OVERDRAFT INTEREST', 'CREDIT INTEREST'];

/** One draw of the books for `tier`: every line placed to be a true match, a look-alike of one rule, or noise. */
function drawBooks(rng: Rng, tier: Difficulty): Books {
  const size = SIZE[tier];
  const year = rng.int(2023, 2025);
  const month = rng.int(1, 12);
  const start = serialOf(year, month, 1);
  const days = daysIn(year, month);
  const window = rng.int(3, 5);
  const parties = rng.sample(COMPANIES, 12);
  const used = new Set<string>();
  const bank: BankLine[] = [];
  const ledger: Entry[] = [];
  const newEntry = (date: number, min = 2000, incoming = rng.next() < 0.55): Entry => {
    let ref: string;
    do ref = incoming ? `INV-${rng.int(20100, 29999)}` : `BILL-${rng.int(4100, 9899)}`;
    while (used.has(ref));
    used.add(ref);
    const e = { date, ref, party: rng.pick(parties), cents: (incoming ? 1 : -1) * rng.int(min, 480_000) };
    ledger.push(e);
    return e;
  };
  const line = (e: Entry, date: number, amount = e.cents) => {
    const template = rng.pick(e.cents > 0 ? IN : OUT);
    bank.push({ date, desc: template.replace('{P}', e.party.toUpperCase()).replace('{R}', e.ref), cents: amount });
  };
  const inMonth = (slack = 0) => start + rng.int(0, days - 1 - slack);
  const lookalike: Record<Rule, () => void> = {
    // Short-paid: the Ref and the dates fit, the amount does not.
    amount: () => {
      const e = newEntry(inMonth(window), 10_000);
      line(e, e.date + rng.int(0, window), e.cents - Math.sign(e.cents) * rng.int(100, 5000));
    },
    // Charged again weeks after the entry: the Ref and the amount fit, the date does not.
    'date-window': () => {
      const date = inMonth();
      const e = newEntry(date - window - rng.int(2, 15));
      line(e, date);
    },
    // Two entries of the same amount for the same company within the window; the line carries the later one's Ref.
    reference: () => {
      const date = inMonth();
      const gap = rng.int(0, window - 1);
      const later = newEntry(date - gap);
      const earlier = newEntry(date - rng.int(gap + 1, window), 2000, later.cents > 0);
      Object.assign(earlier, { cents: later.cents, party: later.party });
      line(later, date);
    },
  };
  for (let i = rng.int(...size.matched); i > 0; i--) {
    const e = newEntry(inMonth(window));
    line(e, e.date + rng.int(0, window));
  }
  for (const rule of RULES) lookalike[rule]();
  for (let i = 0; i < size.lookalikes; i++) lookalike[rng.pick(RULES)]();
  for (let i = 0; i < size.splits; i++) {
    const e = newEntry(inMonth(window), 20_000);
    const part = Math.round(e.cents * (rng.int(30, 70) / 100));
    line(e, e.date + rng.int(0, window), part);
    line(e, e.date + rng.int(0, window), e.cents - part);
  }
  for (let i = 0; i < size.open; i++) newEntry(start + days - 1 - rng.int(0, 4));
  for (let i = 0; i < size.fees; i++) {
    const fee = rng.pick(FEES);
    bank.push({ date: inMonth(), desc: `${fee} ${String(month).padStart(2, '0')}/${year}`, cents: (fee === 'CREDIT INTEREST' ? 1 : -1) * rng.int(150, 4500) });
  }
  // Stable sorts of shuffled lists: the order within a day is drawn, an earlier date comes first.
  const byDate = <T extends { date: number }>(list: T[]) => rng.shuffle(list).sort((a, b) => a.date - b.date);
  return { bank: byDate(bank), ledger: byDate(ledger), window, splits: size.splits > 0 };
}

/** The books as a workbook shows them (columns as `sheetsOf` writes them). */
export function readBooks(wb: Workbook, window: number, splits: boolean): Books {
  const rows = (sheet: string) => {
    const out: number[] = [];
    for (let r = 2; get(wb, `${sheet}!A${r}`) !== null; r++) out.push(r);
    return out;
  };
  const bank = rows('Bank').map((r) => ({ date: num(get(wb, `Bank!A${r}`)), desc: String(get(wb, `Bank!B${r}`)), cents: cents(num(get(wb, `Bank!C${r}`))) }));
  const ledger = rows('Ledger').map((r) => ({
    date: num(get(wb, `Ledger!A${r}`)),
    ref: String(get(wb, `Ledger!B${r}`)),
    party: String(get(wb, `Ledger!C${r}`)),
    cents: cents(num(get(wb, `Ledger!D${r}`)) - num(get(wb, `Ledger!E${r}`))),
  }));
  return { bank, ledger, window, splits };
}

/** Every bank line has at most one entry that fits every rule, and dropping any rule (or both the Ref and the date) changes some line's Match. */
function wellPosed(books: Books): boolean {
  if (books.bank.some((b) => books.ledger.filter((e) => matches(books, b, e)).length > 1)) return false;
  const truth = reconcile(books).join();
  return RULES.every((rule) => reconcile(books, rule).join() !== truth) && amountOnly(books).join() !== truth && refOnly(books).join() !== truth;
}

/** The `amount-only` near-miss: the first entry of the same amount, whatever the date and the Ref. */
const amountOnly = (books: Books) => books.bank.map((b) => books.ledger.find((e) => e.cents === b.cents)?.ref ?? UNMATCHED);
/** The `ref-only` near-miss: the entry whose Ref the description carries, whatever the amount and the date. */
const refOnly = (books: Books) => books.bank.map((b) => books.ledger.find((e) => carries(b, e))?.ref ?? UNMATCHED);

const PAGE = 8;

/** Bank reconciliation: each statement line matched to its cash-book entry by amount, date window and Ref, or marked UNMATCHED. */
export const bkBankReconcile: FamilyDef = {
  name: 'bk-bank-reconcile',
  job: 'bookkeeping',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Match every line of a bank statement to its cash-book entry (same amount, dates within a few days, the Ref in the description) or mark it UNMATCHED.',
  strategies: ['whole-column', 'page-by-page'],
  nearMisses: ['amount-only', 'ref-only'],
  components: sheetComponents('values'),
  collateral: true,
  conditions: [...RULES],
  guesses: ['all-unmatched', 'same-row-ref'],
  generate(rng, _task, tier) {
    const books = drawUntil(rng, () => drawBooks(rng, tier), wellPosed);
    const { window, splits } = books;
    const last = books.bank.length + 1;
    const m = books.ledger.length + 1;
    const bankRows: Value[][] = books.bank.map((b) => [b.date, b.desc, money(b.cents), null]);
    const ledgerRows: Value[][] = books.ledger.map((e) => [e.date, e.ref, e.party, e.cents > 0 ? money(e.cents) : null, e.cents < 0 ? money(-e.cents) : null]);
    const target = (i: number) => `Bank!D${i + 2}`;
    const splitRule = splits
      ? ' A customer may settle one entry in two payments: two lines within the window that carry the same Ref and add up to the entry’s amount both match it.'
      : '';
    return {
      instruction:
        `Sheet Bank (A1:D${last}: Date, Description, Amount, Match) is this month's bank statement; sheet Ledger (A1:E${m}: Date, Ref, Counterparty, Debit, Credit) is the cash book. ` +
        `Dates are serial day numbers. For every bank line write in Bank!D2:D${last} the Ref of the ledger entry it matches, or ${UNMATCHED} if none does. ` +
        `A line matches an entry when all three hold: the amount is the same (money in, a positive Amount, is a Debit; money out, a negative Amount, is a Credit), ` +
        `the two dates are at most ${window} days apart, and the entry's Ref appears in the line's Description.${splitRule} Change no other cell. Then submit.`,
      sheets: [
        {
          name: 'Bank',
          rows: [['Date', 'Description', 'Amount', 'Match'], ...bankRows],
          formats: [
            { range: `A2:A${last}`, format: { numFmt: 'yyyy-mm-dd' } },
            { range: `C2:C${last}`, format: { numFmt: '#,##0.00' } },
          ],
        },
        {
          name: 'Ledger',
          rows: [['Date', 'Ref', 'Counterparty', 'Debit', 'Credit'], ...ledgerRows],
          formats: [
            { range: `A2:A${m}`, format: { numFmt: 'yyyy-mm-dd' } },
            { range: `D2:E${m}`, format: { numFmt: '#,##0.00' } },
          ],
        },
      ],
      focus: 'Bank',
      expected: (start) => Object.fromEntries(reconcile(readBooks(start, window, splits)).map((ref, i) => [target(i), ref])),
      // All or nothing: a reconciliation that drops a rule is right on most lines and still wrong.
      valueMode: 'all',
      expert: (view) => reconcileExpert(view, { last, m, window, splits }),
      distractors: [call('read_range', { range: `Ledger!A1:E${m}` }), call('write_cells', { range: 'Bank!D2', values: [[UNMATCHED]] }), call('list_sheets')],
    };
  },
};

/** What each strategy, near-miss, relaxation and guess writes in the Match column. */
function answerOf(strategy: string, books: Books, wb: Workbook): string[] {
  if (strategy.startsWith('relax:')) return reconcile(books, strategy.slice('relax:'.length) as Rule);
  if (strategy === 'amount-only') return amountOnly(books);
  if (strategy === 'ref-only') return refOnly(books);
  if (strategy === 'guess:all-unmatched') return books.bank.map(() => UNMATCHED);
  if (strategy === 'guess:same-row-ref') return books.bank.map((_, i) => String(get(wb, `Ledger!B${i + 2}`) ?? UNMATCHED));
  return reconcile(books);
}

function reconcileExpert(view: ExpertView, t: { last: number; m: number; window: number; splits: boolean }): ExpertStep {
  const { wb, strategy } = view;
  const read =
    readIfUnseen(view, 'Bank', `A1:C${t.last}`, [`A1:D${t.last}`], 'I need every statement line (date, description, amount) before matching; reading Bank.') ??
    readIfUnseen(
      view,
      'Ledger',
      `A1:E${t.m}`,
      [`A1:E${t.m}`],
      'The entries to match against are on sheet Ledger, which I have not seen; reading the cash book.',
    );
  if (read) return read;
  const books = readBooks(wb, t.window, t.splits);
  const answer = answerOf(strategy, books, wb);
  const wrong = answer.map((ref, i) => i).filter((i) => cellAt(wb, `Bank!D${i + 2}`)?.formula !== undefined || get(wb, `Bank!D${i + 2}`) !== answer[i]);
  if (wrong.length === 0) return submit(`Every bank line's Match holds its ledger Ref or ${UNMATCHED}; submitting.`);
  const [from, to] = strategy === 'page-by-page' ? page(wrong[0]!, answer.length) : [0, answer.length - 1];
  const rows = answer.slice(from, to + 1);
  const matched = rows.filter((r) => r !== UNMATCHED).length;
  return move(
    'write_cells',
    { range: `Bank!D${from + 2}:D${to + 2}`, values: rows.map((r) => [r]) },
    `Bank lines ${from + 2}-${to + 2}: ${matched} match a ledger entry of the same amount, dated within ${t.window} days, whose Ref the description carries; ` +
      `${rows.length - matched} have none and are ${UNMATCHED}.`,
    [refDerivation('Bank', `D${from + 2}:D${to + 2}`, [`D2:D${t.last}`], 'the Match cells of these bank lines'), ...whyMatched(wb, books, answer, from, to)],
  );
}

/** Rows from..to of the statement page holding line `i` (pages of eight lines). */
function page(i: number, lines: number): [number, number] {
  const from = Math.floor(i / PAGE) * PAGE;
  return [from, Math.min(lines, from + PAGE) - 1];
}

/** For each matched line of rows from..to, the bank and ledger rows its Ref comes from. */
function whyMatched(wb: Workbook, books: Books, answer: string[], from: number, to: number): Derived[] {
  const out: Derived[] = [];
  for (let i = from; i <= to; i++) {
    const entry = books.ledger.findIndex((e) => e.ref === answer[i]);
    if (entry < 0) continue;
    out.push(derive(answer[i]!, [rowLine(wb, 'Bank', i + 2, 3), rowLine(wb, 'Ledger', entry + 2, 5)], 'the ledger entry this bank line matches'));
  }
  return out;
}

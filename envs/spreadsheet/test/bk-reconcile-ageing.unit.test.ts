import { afterAll, describe, expect, it } from 'vitest';
import type { ToolCall, Verdict } from '@workgym/protocol';
import { buildWorkbook } from '../src/engine/index.js';
import { SpreadsheetEnv } from '../src/index.js';
import { bucketOf } from '../src/tasks/bk-ageing-report.js';
import { readBooks, reconcile, UNMATCHED, type Books } from '../src/tasks/bk-bank-reconcile.js';
import { call, inProcessClient } from './helpers.js';

// The verifiers' edge cases of bk-bank-reconcile, bk-invoice-totals, bk-ageing-report and
// bk-currency-convert (their conformance, relaxations and guesses run in env.unit.test.ts):
// the matching rule's split payments and look-alikes, the ageing buckets' edges, inputs typed
// into formulas, and tiers that change the size of the books.

const client = inProcessClient();
afterAll(() => client.close());
const env = new SpreadsheetEnv();
const MINE = ['bk-bank-reconcile', 'bk-invoice-totals', 'bk-ageing-report', 'bk-currency-convert'].map((f) => `spreadsheet/${f}`);

/** The calls of `strategy` played to its end. */
async function expertCalls(family: string, seed: number, strategy: string): Promise<ToolCall[]> {
  const reset = await client.reset({ family, seed, maxSteps: 60 });
  const calls: ToolCall[] = [];
  try {
    for (let i = 0; i < 60; i++) {
      const action = await client.expert(reset.session, { strategy });
      calls.push(...action.calls);
      const reply = await client.step(reset.session, action.calls);
      if (reply.terminated || reply.truncated) return calls;
    }
    throw new Error(`${family} ${strategy} did not finish`);
  } finally {
    await client.closeSession(reset.session);
  }
}

/** Replays `strategy`'s calls, each rewritten by `edit` (its final submit included), with shaped reward. */
async function play(family: string, seed: number, strategy: string, edit: (c: ToolCall) => ToolCall[] = (c) => [c]): Promise<Verdict> {
  const calls = (await expertCalls(family, seed, strategy)).flatMap(edit);
  const reset = await client.reset({ family, seed, maxSteps: 60, reward: 'shaped' });
  try {
    for (const c of calls) {
      const reply = await client.step(reset.session, [c]);
      if (reply.terminated || reply.truncated) return reply.verdict!;
    }
    throw new Error(`${family} ${strategy}: the calls did not end the episode`);
  } finally {
    await client.closeSession(reset.session);
  }
}

/** The starting workbook of (family, seed). */
const start = (family: string, seed: number) => buildWorkbook(env.instance(family, seed).sheets);

/** The first seed of `family` whose tier is `tier`. */
function seedOf(family: string, tier: string): number {
  let seed = 1;
  while (env.tier(family, seed) !== tier) seed++;
  return seed;
}

/** Replaces text in every formula a write_cells or set_formula call writes. */
const rewrite = (c: ToolCall, from: string | RegExp, to: string): ToolCall => {
  if (c.name !== 'write_cells' && c.name !== 'set_formula') return c;
  const args = JSON.parse(c.argumentsJson ?? '{}') as Record<string, unknown>;
  const swap = (v: unknown): unknown => (typeof v === 'string' ? v.replaceAll(from, to) : Array.isArray(v) ? v.map(swap) : v);
  return call(c.name, c.name === 'set_formula' ? { ...args, formula: swap(args.formula) } : { ...args, values: swap(args.values) });
};

describe('bookkeeping: bank reconciliation, invoice totals, ageing, currency', () => {
  it('grow with the tier: more bank lines, invoice lines, invoices to age, payments to convert', () => {
    for (const family of MINE) {
      const sizes: Record<string, number[]> = { easy: [], medium: [], hard: [] };
      for (let seed = 0; seed < 45; seed++) {
        const task = env.instance(family, seed);
        sizes[env.tier(family, seed)]!.push(task.sheets.reduce((n, s) => n + s.rows.length, 0));
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(
        Object.values(sizes).every((xs) => xs.length > 0),
        family,
      ).toBe(true);
      expect(mean(sizes.easy!), family).toBeLessThan(mean(sizes.medium!));
      expect(mean(sizes.medium!), family).toBeLessThan(mean(sizes.hard!));
    }
  });

  it('list bookkeeping as their job, and hold out the ageing report only', async () => {
    const { families } = await client.listTasks();
    const mine = families.filter((f) => MINE.includes(f.id ?? ''));
    expect(mine.map((f) => [f.id, f.job, f.heldOut, f.tiers])).toEqual(
      MINE.map((id) => [id, 'bookkeeping', id === 'spreadsheet/bk-ageing-report', ['easy', 'medium', 'hard']]),
    );
  });

  it('bank-reconcile: a split payment matches on both lines; short-paid, charged-again and same-amount look-alikes stay UNMATCHED', () => {
    const ledger = [
      { date: 100, ref: 'INV-20001', party: 'A', cents: 50_000 },
      { date: 101, ref: 'INV-20002', party: 'B', cents: 12_000 },
      { date: 102, ref: 'INV-20003', party: 'B', cents: 12_000 },
      { date: 103, ref: 'BILL-4001', party: 'C', cents: -9_900 },
    ];
    const bank = [
      { date: 103, desc: 'SEPA CT A INV-20001', cents: 30_000 },
      { date: 104, desc: 'A PAYMENT INV-20001', cents: 20_000 },
      { date: 102, desc: 'B INV-20002 short', cents: 11_000 },
      { date: 104, desc: 'TRANSFER FROM B REF INV-20003', cents: 12_000 },
      { date: 104, desc: 'B no reference', cents: 12_000 },
      { date: 120, desc: 'SEPA DD C BILL-4001', cents: -9_900 },
      { date: 105, desc: 'SEPA DD C BILL-4001', cents: -9_900 },
    ];
    const books: Books = { bank, ledger, window: 4, splits: true };
    expect(reconcile(books)).toEqual(['INV-20001', 'INV-20001', UNMATCHED, 'INV-20003', UNMATCHED, UNMATCHED, 'BILL-4001']);
    // Without the split rule the two halves match nothing; each rule dropped pays a look-alike.
    expect(reconcile({ ...books, splits: false }).slice(0, 2)).toEqual([UNMATCHED, UNMATCHED]);
    expect(reconcile(books, 'amount')[2]).toBe('INV-20002');
    expect(reconcile(books, 'reference')[4]).toBe('INV-20002');
    expect(reconcile(books, 'date-window')[5]).toBe('BILL-4001');
  });

  it('bank-reconcile: the short-paid line given the Ref it carries, or every Ref right but one line left empty, earns nothing', async () => {
    const family = 'spreadsheet/bk-bank-reconcile';
    const seed = seedOf(family, 'hard');
    const truth = Object.entries(env.instance(family, seed).expected!(start(family, seed)));
    // The short-paid line: its Ref is in the description and the dates fit, the amount does not.
    const window = Number(/at most (\d+) days/.exec(env.instance(family, seed).instruction)![1]);
    const careless = reconcile(readBooks(start(family, seed), window, true), 'amount');
    const short = careless.findIndex((ref, i) => ref !== truth[i]![1]);
    for (const [cell, text] of [
      [truth[short]![0], careless[short]!],
      [truth[truth.length - 1]![0], null],
    ] as const) {
      const verdict = await play(family, seed, 'whole-column', (c) =>
        c.name === 'submit' ? [call('write_cells', { range: cell, values: [[text]] }), c] : [c],
      );
      expect([cell, verdict.success, verdict.shapedReward]).toEqual([cell, false, 0]);
    }
  });

  it('ageing: an invoice due on the as-of date is Current, 30 days late is 1-30, 31 is 31-60, 90 is 61-90, 91 is 90+', () => {
    expect([5, 0, -1, -30, -31, -60, -61, -90, -91, -400].map((due) => bucketOf(due, 0))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('ageing: the as-of date typed into the formulas instead of read from B1 fails the formulas check and earns nothing', async () => {
    const family = 'spreadsheet/bk-ageing-report';
    const asOf = String(start(family, 2).sheet('Ageing')!.get(1, 2)!.value);
    const verdict = await play(family, 2, 'one-block', (c) => [rewrite(c, '$B$1', asOf)]);
    expect(verdict.components).toMatchObject({ formulas: 0, values: 0 });
    expect(verdict.shapedReward).toBe(0);
  });

  it('invoice-totals: a tax rate typed into the line formulas, or Gross typed over its formula, earns nothing', async () => {
    const family = 'spreadsheet/bk-invoice-totals';
    const rate = String(start(family, 1).sheet('Tax')!.get(2, 2)!.value);
    const typedRate = await play(family, 1, 'one-block', (c) => [rewrite(c, /INDEX\(Tax!\$B\$2:\$B\$\d+,MATCH\(C\d+,Tax!\$A\$2:\$A\$\d+,0\)\)/g, rate)]);
    expect([typedRate.components?.formulas, typedRate.shapedReward]).toEqual([0, 0]);
    const gross = await play(family, 1, 'fill-down', (c) => (c.name === 'submit' ? [call('write_cells', { range: 'Totals!D2', values: [[0]] }), c] : [c]));
    expect([gross.success, gross.shapedReward]).toEqual([false, 0]);
  });

  it('currency: the hard tier keeps EUR amounts as they are; a formula that converts them too earns nothing', async () => {
    const family = 'spreadsheet/bk-currency-convert';
    const seed = seedOf(family, 'hard');
    expect(env.instance(family, seed).sheets[0]!.rows.some((row) => row[3] === 'EUR')).toBe(true);
    expect((await play(family, seed, 'index-match')).success).toBe(true);
    const verdict = await play(family, seed, 'index-match', (c) => [rewrite(c, /^=IF\(D(\d+)="EUR",E\1,(.*)\)$/g, '=$2')]);
    expect([verdict.success, verdict.shapedReward]).toEqual([false, 0]);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import type { ToolCall, Verdict } from '@workgym/protocol';
import { SpreadsheetEnv } from '../src/index.js';
import { buildWorkbook } from '../src/engine/index.js';
import { get } from '../src/tasks/helpers.js';
import { call, inProcessClient } from './helpers.js';

// The bookkeeping families bk-category-month-summary, bk-find-duplicates-missing and
// bk-trial-balance: the expert's strategies succeed on every tier, and the verifiers' edge cases
// (months typed into formulas, a void invoice listed as missing, the unbalanced draft named).

const client = inProcessClient();
afterAll(() => client.close());
const env = new SpreadsheetEnv();
const FAMILIES = ['bk-category-month-summary', 'bk-find-duplicates-missing', 'bk-trial-balance'];

/**
 * Plays a strategy to its end with shaped reward; `last` replaces its final call (submit or
 * answer) with calls of the test's own, the last of which ends the episode.
 */
async function play(family: string, seed: number, strategy: string, last?: (ending: ToolCall) => ToolCall[]): Promise<Verdict> {
  const reset = await client.reset({ family: `spreadsheet/${family}`, seed, maxSteps: 60, reward: 'shaped' });
  try {
    for (let i = 0; i < 60; i++) {
      const action = await client.expert(reset.session, { strategy });
      const ending = ['submit', 'answer'].includes(action.calls[0]!.name);
      for (const c of ending && last ? last(action.calls[0]!) : action.calls) {
        const reply = await client.step(reset.session, [c]);
        if (reply.terminated || reply.truncated) return reply.verdict!;
      }
    }
    throw new Error(`${family} ${strategy} did not finish`);
  } finally {
    await client.closeSession(reset.session);
  }
}

/** Seeds 1.. until one of each tier was found. */
function seedPerTier(family: string): number[] {
  const seeds = new Map<string, number>();
  for (let seed = 1; seeds.size < 3 && seed < 100; seed++)
    if (!seeds.has(env.tier(`spreadsheet/${family}`, seed))) seeds.set(env.tier(`spreadsheet/${family}`, seed), seed);
  return [...seeds.values()];
}

describe('bookkeeping families', () => {
  it('are solved on every tier by every strategy (the conformance test plays near-misses, dropped conditions and guesses)', async () => {
    const wrong: string[] = [];
    for (const family of FAMILIES) {
      const def = env.families().find((f) => f.id === `spreadsheet/${family}`)!;
      expect(def.job).toBe('bookkeeping');
      expect(def.tiers).toEqual(['easy', 'medium', 'hard']);
      const seeds = seedPerTier(family);
      // The tier is the size knob: the first sheet (the journal, the invoices) grows from easy to hard.
      const rows = (tier: string) =>
        env.instance(
          `spreadsheet/${family}`,
          seeds.find((s) => env.tier(`spreadsheet/${family}`, s) === tier)!,
        ).sheets[0]!.rows.length;
      expect(rows('easy')).toBeLessThan(rows('medium'));
      expect(rows('medium')).toBeLessThan(rows('hard'));
      for (const seed of seeds) {
        for (const strategy of def.strategies ?? []) {
          const v = await play(family, seed, strategy);
          if (!v.success) wrong.push(`${family} seed ${seed} ${strategy} failed: ${v.detail}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('category-month-summary: the months typed into the formulas as dates fail the formulas check (the perturbation rotates the month headers)', async () => {
    const verdict = await play('bk-category-month-summary', 3, 'write-block', (ending) => {
      const task = env.instance('spreadsheet/bk-category-month-summary', 3);
      const start = buildWorkbook(task.sheets);
      const k = task.sheets[1]!.rows.length - 1;
      const months = task.sheets[1]!.rows[0]!.length - 1;
      const typed: string[][] = [];
      for (let r = 2; r <= k + 1; r++) {
        const row: string[] = [];
        for (let c = 0; c < months; c++) {
          const col = String.fromCharCode(66 + c);
          const serial = Number(get(start, `Summary!${col}1`));
          row.push(`=SUMIFS(Journal!$E:$E,Journal!$C:$C,$A${r},Journal!$B:$B,"Expense",Journal!$A:$A,">="&${serial},Journal!$A:$A,"<="&EOMONTH(${serial},0))`);
        }
        typed.push(row);
      }
      return [call('write_cells', { range: `Summary!B2`, values: typed }), ending];
    });
    expect(verdict.components).toMatchObject({ formulas: 0, values: 0 });
    expect(verdict.shapedReward).toBe(0);
  });

  it('find-duplicates-missing: a void invoice added to the Missing list, or the list out of number order, earns nothing', async () => {
    const missingOf = (seed: number) => {
      const task = env.instance('spreadsheet/bk-find-duplicates-missing', seed);
      const expected = task.expected!(buildWorkbook(task.sheets));
      const list = Object.keys(expected).flatMap((ref) =>
        ref.startsWith('Missing!') && ref !== 'Missing!A1' && expected[ref] !== null ? [expected[ref]!] : [],
      );
      return { task, list };
    };
    // A seed whose list has two invoices or more, so that the reversed list is out of order.
    const seed = [1, 2, 3, 4, 5, 6].find((s) => missingOf(s).list.length > 1)!;
    const { task, list } = missingOf(seed);
    const voided = task.sheets[0]!.rows.find((r) => r[4] === 'Void')![0] as string;
    const withVoid = await play('bk-find-duplicates-missing', seed, 'typed-flags', (ending) => [
      call('write_cells', { range: `Missing!A${list.length + 2}`, values: [[voided]] }),
      ending,
    ]);
    expect(withVoid).toMatchObject({ success: false, shapedReward: 0, components: { values: 0 } });
    const reversed = await play('bk-find-duplicates-missing', seed, 'formula-flags', (ending) => [
      call('write_cells', { range: 'Missing!A2', values: list.map((v) => [v]).reverse() }),
      ending,
    ]);
    expect(reversed).toMatchObject({ success: false, shapedReward: 0 });
  });

  it('trial-balance: the answer is the posted entry in any case; the unbalanced draft entry is wrong', async () => {
    const task = env.instance('spreadsheet/bk-trial-balance', 2);
    const right = task.question!.accept[0]!;
    const lower = await play('bk-trial-balance', 2, 'fill-grid', () => [call('answer', { text: right.toLowerCase() })]);
    expect(lower.success).toBe(true);
    const rows = task.sheets[0]!.rows.slice(1);
    const drafts = new Set(rows.filter((r) => r[6] === 'Draft').map((r) => r[0] as string));
    const draft = [...drafts].find((e) => {
      const lines = rows.filter((r) => r[0] === e);
      return lines.reduce((s, r) => s + Number(r[4] ?? 0) - Number(r[5] ?? 0), 0) !== 0;
    })!;
    const wrong = await play('bk-trial-balance', 2, 'write-block', () => [call('answer', { text: draft })]);
    expect(wrong).toMatchObject({ success: false, components: { formulas: 1, values: 1, labels: 1, answer: 0 } });
  });
});

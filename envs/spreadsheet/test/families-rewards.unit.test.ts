import { afterAll, describe, expect, it } from 'vitest';
import type { Decoded, ToolCall, Verdict } from '@workgym/protocol';
import { REPORT_INFEASIBLE } from '@workgym/protocol/kit';
import { call, inProcessClient } from './helpers.js';

// Shaped reward pays only for the job (issue 27): on highlight-rows, fix-broken-formulas,
// date-arithmetic, build-report and answer-question, an attempt that drops a condition, types
// constants where formulas are asked, writes only the header or only a format, or damages the
// data after a right answer gets shaped reward 0, while real partial work still earns some.

const client = inProcessClient();
afterAll(() => client.close());

const ENDING = new Set(['submit', 'answer', REPORT_INFEASIBLE]);

interface Play {
  /** The expert strategy (a strategy, near-miss, `relax:` or `guess:`). */
  strategy: string;
  /** Stop the strategy at the first call this accepts, and submit instead. */
  stopAt?: (call: Decoded<ToolCall>) => boolean;
  /** Calls made after the strategy's last edit, before its final submit or answer. */
  damage?: ToolCall[];
}

/** Plays `family` at `seed` with shaped reward and returns the verdict. */
async function shaped(family: string, seed: number, play: Play): Promise<Decoded<Verdict>> {
  const reset = await client.reset({ family: `spreadsheet/${family}`, seed, maxSteps: 60, reward: 'shaped' });
  try {
    for (let i = 0; i < 60; i++) {
      const action = await client.expert(reset.session, { strategy: play.strategy });
      const next = action.calls[0]!;
      const calls: ToolCall[] = play.stopAt?.(next) ? [call('submit', {})] : action.calls;
      if (ENDING.has(next.name) && play.damage) {
        for (const damage of play.damage) expect((await client.step(reset.session, [damage])).results[0]?.error).toBeFalsy();
      }
      const reply = await client.step(reset.session, calls);
      if (reply.terminated || reply.truncated) {
        expect(reply.verdict!.reward).toBe(reply.verdict!.shapedReward);
        return reply.verdict!;
      }
    }
    throw new Error(`${family} ${play.strategy} did not finish`);
  } finally {
    await client.closeSession(reset.session);
  }
}

/** The shaped rewards of `play` on seeds 1..count, as "seed: reward (detail)" for those that paid. */
async function paid(family: string, play: Play, count = 5): Promise<string[]> {
  const out: string[] = [];
  for (let seed = 1; seed <= count; seed++) {
    const v = await shaped(family, seed, play);
    if (v.success || v.shapedReward > 0) out.push(`${family} ${play.strategy} seed ${seed}: ${v.shapedReward} (${v.detail})`);
  }
  return out;
}

describe('shaped reward of the spreadsheet families pays only for the job', () => {
  it('pays the expert 1 on every family', async () => {
    for (const family of ['highlight-rows', 'fix-broken-formulas', 'date-arithmetic', 'build-report', 'answer-question']) {
      for (const seed of [1, 2]) expect((await shaped(family, seed, { strategy: '' })).shapedReward, family).toBe(1);
    }
  });

  it('gives 0 when one condition is dropped: every overdue row (was paid on 18 of 20 seeds), every row over the amount, the category, the region, the month', async () => {
    const attempts: [string, string, number][] = [
      ['highlight-rows', 'relax:amount', 20],
      ['highlight-rows', 'relax:status', 5],
      ['build-report', 'relax:category', 5],
      ['answer-question', 'relax:region', 5],
      ['answer-question', 'relax:month', 5],
    ];
    for (const [family, strategy, seeds] of attempts) expect(await paid(family, { strategy }, seeds)).toEqual([]);
  }, 120_000);

  it('gives 0 to constants where formulas are asked, and to a constant answer', async () => {
    const attempts: [string, string][] = [
      ['fix-broken-formulas', 'constant-formulas'],
      ['date-arithmetic', 'typed-dates'],
      ['date-arithmetic', 'constant-start'],
      ['build-report', 'typed-values'],
      ['answer-question', 'guess:answer-2'],
    ];
    for (const [family, strategy] of attempts) expect(await paid(family, { strategy })).toEqual([]);
  }, 120_000);

  it('gives 0 to the header alone and to a date format alone (were 0.38-0.48 and 0.33)', async () => {
    expect(await paid('build-report', { strategy: 'header-only' })).toEqual([]);
    expect(await paid('date-arithmetic', { strategy: 'format-only' })).toEqual([]);
  });

  it('gives 0 to a right solution followed by damage to data the task does not ask to change', async () => {
    const attempts: [string, ToolCall[]][] = [
      ['highlight-rows', [call('write_cells', { range: 'Invoices!B2', values: [['Nobody']] })]],
      ['fix-broken-formulas', [call('write_cells', { range: 'Budget!A2', values: [['Misc']] })]],
      ['date-arithmetic', [call('write_cells', { range: 'Projects!A2', values: [['Project Z']] })]],
      ['build-report', [call('write_cells', { range: 'Data!B2', values: [['Nothing 1']] })]],
      ['answer-question', [call('delete_rows', { sheet: 'Sales', row: 2, count: 20 })]],
    ];
    for (const [family, damage] of attempts) expect(await paid(family, { strategy: '', damage }, 3)).toEqual([]);
  });

  it('still pays real partial work: formulas without the date format, a report without its bold header', async () => {
    const dates = await shaped('date-arithmetic', 1, { strategy: 'fill-down', stopAt: (c) => c.name === 'set_format' });
    expect(dates).toMatchObject({ success: false, components: { formulas: 1, values: 1, formats: 0 } });
    expect(dates.shapedReward).toBeCloseTo(2 / 3);
    const report = await shaped('build-report', 1, { strategy: 'one-block', stopAt: (c) => c.name === 'set_format' });
    expect(report.success).toBe(false);
    expect(report.shapedReward).toBeCloseTo(3 / 4);
  });
});

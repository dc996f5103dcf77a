import { afterAll, describe, expect, it } from 'vitest';
import { SpreadsheetEnv } from '../src/index.js';
import { inProcessClient, open } from './helpers.js';

const client = inProcessClient();
afterAll(() => client.close());
const env = new SpreadsheetEnv();
const FAMILIES = ['spreadsheet/answer-question', 'spreadsheet/bk-currency-convert'];
const seeds = (family: string, infeasible: boolean) =>
  Array.from({ length: 16 }, (_, i) => i + 1).filter((s) => env.catalogue.infeasible(family, s) === infeasible);

/** Plays `strategy` to the end; the calls it made, the verdict, and the last call's arguments. */
async function play(family: string, seed: number, strategy: string, before: [string, object][] = []) {
  const ep = await open(client, family, seed);
  for (const [name, args] of before) await ep.step(name, args);
  const calls: string[] = [];
  for (let i = 0; i < 60; i++) {
    const action = await client.expert(ep.session, { strategy });
    calls.push(action.calls[0]!.name);
    const reply = await client.step(ep.session, action.calls);
    if (reply.terminated || reply.truncated) {
      await ep.close();
      return { calls, verdict: reply.verdict, last: JSON.parse(action.calls[0]!.argumentsJson) as Record<string, string> };
    }
  }
  throw new Error(`${family} seed ${seed} ${strategy} did not finish`);
}

describe('spreadsheet families with infeasible seeds', () => {
  it('list the infeasible feature, and a quarter of their seeds are infeasible', () => {
    for (const id of FAMILIES) {
      expect(env.families().find((f) => f.id === id)?.features).toEqual(['infeasible']);
      expect(seeds(id, true)).toHaveLength(4);
    }
  });

  it('ask on an infeasible seed for a region and month with no row, each of which has rows apart', () => {
    for (const seed of seeds('spreadsheet/answer-question', true)) {
      const task = env.instance('spreadsheet/answer-question', seed);
      const [, region, month] = /region (\w+) in (\w+)[?,]/.exec(task.instruction)!;
      const rows = task.sheets[0]!.rows.slice(1);
      expect(rows.length).toBeGreaterThanOrEqual(28);
      expect(rows.filter((r) => r[1] === region && r[0] === month)).toEqual([]);
      expect(rows.some((r) => r[1] === region) && rows.some((r) => r[0] === month)).toBe(true);
    }
  });

  it('convert on an infeasible seed one transaction in a currency the Rates sheet has no column for', () => {
    for (const seed of seeds('spreadsheet/bk-currency-convert', true)) {
      const task = env.instance('spreadsheet/bk-currency-convert', seed);
      const [transactions, rates] = task.sheets;
      const codes = rates!.rows[0]!.slice(1);
      const strays = transactions!.rows.slice(1).filter((r) => r[3] !== 'EUR' && !codes.includes(r[3]));
      expect(strays).toHaveLength(1);
    }
    for (const seed of seeds('spreadsheet/bk-currency-convert', false)) {
      const [transactions, rates] = env.instance('spreadsheet/bk-currency-convert', seed).sheets;
      const codes = [...rates!.rows[0]!.slice(1), 'EUR'];
      expect(transactions!.rows.slice(1).every((r) => codes.includes(r[3]))).toBe(true);
    }
  });

  it('are reported by every strategy with the reason the rows show, scratch formulas cleared first', async () => {
    for (const id of FAMILIES) {
      const strategies = env.families().find((f) => f.id === id)!.strategies!;
      for (const seed of seeds(id, true).slice(0, 2)) {
        for (const strategy of strategies) {
          const { calls, verdict, last } = await play(id, seed, strategy);
          expect(calls.at(-1), `${id} ${seed} ${strategy}`).toBe('report_infeasible');
          expect(verdict?.success, `${id} ${seed} ${strategy}: ${verdict?.detail}`).toBe(true);
          expect(verdict?.infeasible).toBe(true);
          const task = env.instance(id, seed);
          if (id === 'spreadsheet/answer-question') {
            const [, region, month] = /region (\w+) in (\w+)[?,]/.exec(task.instruction)!;
            expect(last.reason).toContain(`Region ${region} and Month ${month}`);
            if (strategy === 'scratch-formula') expect(calls).toEqual(['read_range', 'set_formula', 'write_cells', 'report_infeasible']);
          } else {
            const codes = task.sheets[1]!.rows[0]!.slice(1);
            const stray = task.sheets[0]!.rows.slice(1).find((r) => r[3] !== 'EUR' && !codes.includes(r[3]))!;
            expect(last.reason).toContain(`${String(stray[1])} (Transactions row`);
            expect(last.reason).toContain(`is in ${String(stray[3])}`);
          }
        }
      }
    }
  });

  it('put back what a candidate action changed before reporting, and fail where the report comes after a change', async () => {
    const bold = ['set_format', { range: 'Sales!A1:E1', bold: true }] as [string, object];
    const seed = seeds('spreadsheet/answer-question', true)[0]!;
    const recovered = await play('spreadsheet/answer-question', seed, 'scan', [bold, ['set_formula', { cell: 'Sales!H3', formula: '=1+1' }]]);
    expect(recovered.calls).toContain('set_format');
    expect(recovered.verdict?.success).toBe(true);

    const ep = await open(client, 'spreadsheet/bk-currency-convert', seeds('spreadsheet/bk-currency-convert', true)[0]!);
    await ep.step('set_formula', { cell: 'Transactions!F2', formula: '=E2' });
    await ep.step('write_cells', { range: 'Transactions!F2', values: [[null]] });
    await ep.step('set_format', { range: 'Transactions!F2', number_format: '0.00' });
    const reply = await ep.step('report_infeasible', { reason: 'no rate' });
    expect(reply.verdict?.success).toBe(false);
    expect(reply.verdict?.detail).toContain('Transactions!F2');
    await ep.close();
  });

  it('fail on feasible seeds when the near-miss act-anyway does the closest thing', async () => {
    for (const id of FAMILIES) {
      for (const seed of seeds(id, false).slice(0, 3)) {
        const { calls, verdict } = await play(id, seed, 'act-anyway');
        expect(calls.at(-1)).not.toBe('report_infeasible');
        expect(verdict?.success, `${id} ${seed}`).toBe(false);
      }
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { Rng, ShownText, ungroundedValues, type StepReply } from '@workgym/protocol';
import { SpreadsheetEnv } from '../src/index.js';
import { inProcessClient, open, runExpert } from './helpers.js';

const client = inProcessClient();
afterAll(() => client.close());
const families = new SpreadsheetEnv().families();

/**
 * Plays one episode in which a seeded random candidate replaces the expert's call with
 * probability `noise`. Returns how it ended, and whether a candidate ended it (submit or answer:
 * nothing is left to recover).
 */
async function noisyEpisode(
  family: string,
  seed: number,
  noise: number,
  rng: Rng,
): Promise<{ success: boolean; endedByNoise: boolean; injected: number; ungrounded: string[] }> {
  const reset = await client.reset({ family, seed, maxSteps: 60 });
  const shown = new ShownText();
  shown.add(reset.task?.instruction ?? '');
  for (const tool of reset.tools) shown.add(`${tool.name} ${tool.description} ${tool.parametersJson}`);
  shown.add(reset.observation?.text ?? '');
  let observation = reset.observation;
  let reply: StepReply | undefined;
  let injected = 0;
  const ungrounded: string[] = [];
  try {
    for (let step = 0; step < 60; step++) {
      const candidates = observation?.candidates ?? [];
      const inject = candidates.length > 0 && rng.next() < noise;
      let calls;
      if (inject) {
        calls = [candidates[Math.floor(rng.next() * candidates.length)]!];
        injected += 1;
      } else {
        const action = await client.expert(reset.session);
        for (const u of ungroundedValues(action.calls, action.derived, shown))
          ungrounded.push(`${family} seed ${seed} step ${step + 1}: ${u.where} ${u.value} ${u.reason}`);
        calls = action.calls;
      }
      reply = await client.step(reset.session, calls);
      for (const r of reply.results) shown.add(r.text);
      shown.add(reply.observation?.text ?? '');
      observation = reply.observation;
      if (reply.terminated || reply.truncated) return { success: reply.verdict?.success ?? false, endedByNoise: inject, injected, ungrounded };
    }
    return { success: false, endedByNoise: false, injected, ungrounded };
  } finally {
    await client.closeSession(reset.session);
  }
}

describe('spreadsheet experts', () => {
  it('recover when random candidate actions replace a fifth of their calls, acting only on what was shown', async () => {
    const rng = new Rng(2026);
    const results: { family: string; success: boolean; endedByNoise: boolean; injected: number }[] = [];
    const ungrounded: string[] = [];
    for (const family of families) {
      for (let seed = 1; seed <= 16; seed++) {
        const r = await noisyEpisode(family.id!, seed, 0.2, rng);
        results.push({ family: family.id!, ...r });
        ungrounded.push(...r.ungrounded);
      }
    }
    const recoverable = results.filter((r) => !r.endedByNoise && r.injected > 0);
    const recovered = recoverable.filter((r) => r.success).length;
    const failed = recoverable.filter((r) => !r.success).map((r) => r.family);
    console.log(
      `noise 0.2: ${results.length} episodes, ${results.filter((r) => r.endedByNoise).length} ended by an injected submit/answer, ` +
        `${recoverable.length} recoverable with an injected step, ${recovered} recovered (${((100 * recovered) / recoverable.length).toFixed(0)}%)${failed.length ? `; not: ${failed.join(', ')}` : ''}`,
    );
    expect(ungrounded).toEqual([]);
    expect(recoverable.length).toBeGreaterThan(50);
    expect(recovered / recoverable.length).toBeGreaterThanOrEqual(0.9);
  }, 600_000);

  it('recover from mistakes no candidate makes: a deleted customer is typed back in, a wrong total replaced', async () => {
    const dedupe = await open(client, 'spreadsheet/remove-duplicates', 1);
    await dedupe.step('delete_rows', { sheet: 'Customers', row: 2 });
    expect((await runExpert(client, dedupe.session)).verdict?.success).toBe(true);
    await dedupe.close();
    const budget = await open(client, 'spreadsheet/fix-broken-formulas', 1);
    await budget.step('set_formula', { cell: 'Budget!F2', formula: '=B2' });
    const end = await runExpert(client, budget.session);
    expect(end.verdict?.success).toBe(true);
    await budget.close();
  });

  it('read a sheet the first observation does not show before writing formulas over it', async () => {
    const cases: [string, string][] = [
      ['spreadsheet/grouped-summary', 'Sales'],
      ['spreadsheet/cross-sheet-lookup', 'Products'],
    ];
    for (const [family, sheet] of cases) {
      for (const strategy of families.find((f) => f.id === family)!.strategies ?? []) {
        const reset = await client.reset({ family, seed: 5 });
        expect(reset.observation?.text).not.toContain(`${sheet}!A1:`);
        const first = await client.expert(reset.session, { strategy });
        expect([first.calls[0]!.name, JSON.parse(first.calls[0]!.argumentsJson).range]).toEqual([
          'read_range',
          expect.stringMatching(new RegExp(`^${sheet}!A1:C\\d+$`)),
        ]);
        await client.closeSession(reset.session);
      }
    }
  });

  it('say why at every step, and solve each family by every strategy in a different way on some seed', async () => {
    for (const family of families) {
      const strategies = family.strategies ?? [];
      expect(strategies.length, family.id!).toBeGreaterThanOrEqual(2);
      expect((family.nearMisses ?? []).length, family.id!).toBeGreaterThanOrEqual(1);
      const distinct: number[] = [];
      for (let seed = 1; seed <= 4; seed++) {
        const plays = new Set<string>();
        for (const strategy of strategies) {
          const reset = await client.reset({ family: family.id!, seed });
          const calls: string[] = [];
          for (let i = 0; i < 40; i++) {
            const action = await client.expert(reset.session, { strategy });
            expect(action.text.trim().length, `${family.id} ${strategy}`).toBeGreaterThan(10);
            calls.push(`${action.calls[0]!.name} ${action.calls[0]!.argumentsJson}`);
            const reply = await client.step(reset.session, action.calls);
            if (reply.terminated || reply.truncated) {
              expect(reply.verdict?.success, `${family.id} ${strategy} seed ${seed}`).toBe(true);
              break;
            }
          }
          await client.closeSession(reset.session);
          plays.add(calls.join('\n'));
        }
        distinct.push(plays.size);
      }
      expect(Math.max(...distinct), family.id!).toBe(strategies.length);
    }
  }, 300_000);
});

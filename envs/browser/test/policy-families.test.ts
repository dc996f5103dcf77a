// The policy families played in Chromium as `workgym check` plays them: on seeds whose policies
// decide every outcome each family has, the expert finds the rule in the handbook and applies it,
// and every near-miss (ignoring the policy, deciding by another article's number) fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnv } from '@workgym/protocol';
import { FAMILIES } from '../src/tasks/index.js';
import { connectBrowserEnv } from './helpers.js';

let h: ReturnType<typeof connectBrowserEnv>;

beforeAll(() => {
  h = connectBrowserEnv({ maxSessions: 4 });
});

afterAll(async () => {
  await h?.close();
});

const POLICY = FAMILIES.filter((f) => f.features?.includes('policy')).map((f) => `browser/${f.name}`);
/** desk-policy-refund refuses on seed 1, refunds on 2 and escalates on 12 (policy-handbook.unit.test.ts checks it). */
const SEEDS = [1, 2, 12];

describe('policy families in Chromium', () => {
  it('pass checkEnv: the expert solves every outcome from the handbook, saying why; near-misses, guesses, collateral and doing nothing fail', async () => {
    expect(POLICY.length).toBeGreaterThanOrEqual(4);
    const report = await checkEnv(h.client, { families: POLICY, seeds: SEEDS, relaxationSeeds: [1, 2], guessSeeds: [1, 2, 3] });
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
  }, 1_500_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnv } from '@workgym/protocol';
import { connectBrowserEnv } from './helpers.js';

let h: ReturnType<typeof connectBrowserEnv>;

/** Families checked at once: a run mostly waits on Chromium. */
const LANES = 3;
/** Sessions one family's relaxation and guessing-floor cases play at once (checkEnv's lanes). */
const SEED_LANES = 4;

beforeAll(() => {
  h = connectBrowserEnv({ maxSessions: LANES * SEED_LANES });
});

afterAll(async () => {
  await h?.close();
});

/**
 * Far fewer seeds than `workgym check` (relaxation 20, guessing floor 50), which plays the full
 * cases: each relaxation and guess of the 12 families costs 2 to 4 s of this file per seed on a
 * busy 2-core machine. Here each relaxation fails with shaped reward 0 on seed 1 and each guess
 * on seeds 1 and 2; test/shaped-rewards.unit.test.ts judges 20 and 50 seeds on the backends.
 */
const RELAXATION_SEEDS = [1];
const GUESS_SEEDS = [1, 2];
/**
 * Two whole blocks of four seeds, where the kit places one infeasible seed each: the share is
 * exactly a quarter, and the expert, near-misses and endings are played on both infeasible
 * seeds; `workgym check` reports at once on seeds 1..20.
 */
const INFEASIBLE_SEEDS = [4, 5, 6, 7, 8, 9, 10, 11];
/** Features whose families have a test file of their own. */
const OWN_FILES = ['people', 'policy'];

describe('browser env conformance (in-process, host Chromium)', () => {
  it('lists at least 10 families with jobs, difficulties, two strategies and a near-miss each', async () => {
    const { families } = await h.client.listTasks();
    expect(families.length).toBeGreaterThanOrEqual(10);
    for (const f of families) {
      expect(['customer-support', 'back-office', 'office-assistant']).toContain(f.job);
      expect(f.splits).toEqual(['train', 'test']);
      expect(f.strategies.length, f.id).toBeGreaterThanOrEqual(2);
      expect(f.nearMisses.length, f.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('passes checkEnv on every family: every strategy solves it from what was shown, saying why; every near-miss fails; doing nothing and submitting at once fail; each condition dropped fails with shaped reward 0; no guess succeeds', async () => {
    // The people and policy families are checked on three seeds each by their own files
    // (people-families.test.ts, policy-families.test.ts), which run beside this one.
    const families = (await h.client.listTasks()).families.filter((f) => !f.features.some((x) => OWN_FILES.includes(x)));
    const lanes = Array.from({ length: LANES }, (_, lane) => families.filter((_, i) => i % LANES === lane).map((f) => f.id));
    const options = { seeds: [2], relaxationSeeds: RELAXATION_SEEDS, guessSeeds: GUESS_SEEDS, infeasibleSeeds: INFEASIBLE_SEEDS };
    const reports = await Promise.all(lanes.map((ids) => checkEnv(h.client, { ...options, families: ids })));
    const results = reports.flatMap((r) => r.results);
    expect(results.filter((r) => r.check.startsWith('near-miss')).length).toBeGreaterThanOrEqual(families.length);
    // Every family declares its components and at least one guess, and plays them.
    expect(families.filter((f) => f.components.length === 0 || f.guesses.length === 0).map((f) => f.id)).toEqual([]);
    expect(results.filter((r) => r.check === 'guessing floor' && !r.skipped).length).toBe(families.length);
    expect(results.filter((r) => r.check === 'relaxation' && !r.skipped).length).toBe(families.filter((f) => f.conditions.length > 0).length);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 900_000);
});

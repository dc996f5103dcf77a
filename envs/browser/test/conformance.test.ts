import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnv } from '@workgym/protocol';
import { connectBrowserEnv } from './helpers.js';

let h: ReturnType<typeof connectBrowserEnv>;

beforeAll(() => {
  h = connectBrowserEnv();
});

afterAll(async () => {
  await h?.close();
});

/** Families checked at once: a run mostly waits on Chromium, and the env serves 4 sessions. */
const LANES = 3;

describe('browser env conformance (in-process, host Chromium)', () => {
  it('lists at least 10 families with jobs, difficulties, two strategies and a near-miss each', async () => {
    const { families } = await h.client.listTasks();
    expect(families.length).toBeGreaterThanOrEqual(10);
    for (const f of families) {
      expect(['customer-support', 'back-office']).toContain(f.job);
      expect(f.splits).toEqual(['train', 'test']);
      expect(f.strategies.length, f.id).toBeGreaterThanOrEqual(2);
      expect(f.nearMisses.length, f.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('passes checkEnv on every family: every strategy solves it from what was shown, saying why; every near-miss fails; doing nothing and submitting at once fail', async () => {
    const { families } = await h.client.listTasks();
    const lanes = Array.from({ length: LANES }, (_, lane) => families.filter((_, i) => i % LANES === lane).map((f) => f.id));
    const reports = await Promise.all(lanes.map((ids) => checkEnv(h.client, { seeds: [2], families: ids })));
    const results = reports.flatMap((r) => r.results);
    expect(results.filter((r) => r.check.startsWith('near-miss')).length).toBeGreaterThanOrEqual(families.length);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 900_000);
});

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

describe('browser env conformance (in-process, host Chromium)', () => {
  it('lists at least 10 families with jobs and difficulties', async () => {
    const { families } = await h.client.listTasks();
    expect(families.length).toBeGreaterThanOrEqual(10);
    for (const f of families) {
      expect(['customer-support', 'back-office']).toContain(f.job);
      expect(f.splits).toEqual(['train', 'test']);
    }
  });

  it('passes checkEnv on every family: the expert solves it, doing nothing and submitting at once fail', async () => {
    const report = await checkEnv(h.client, { seeds: [2] });
    const failed = report.results.filter((r) => !r.ok);
    expect(failed).toEqual([]);
  }, 300_000);
});

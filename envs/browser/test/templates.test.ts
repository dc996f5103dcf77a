// The templates in Chromium (integration tier); templates.unit.test.ts checks the file contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnv } from '@workgym/protocol';
import { TEMPLATES } from '../src/tasks/templates/index.js';
import { connectBrowserEnv } from './helpers.js';

describe('browser family templates pass the conformance suite (in-process, host Chromium)', () => {
  let h: ReturnType<typeof connectBrowserEnv>;

  beforeAll(() => {
    h = connectBrowserEnv({ families: TEMPLATES });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('serves exactly the templates', async () => {
    const { families } = await h.client.listTasks();
    expect(families.map((f) => f.id)).toEqual(TEMPLATES.map((t) => `browser/${t.name}`));
  });

  it('passes checkEnv on seeds 1 and 2: every strategy solves each template from what was shown, every near-miss fails, doing nothing and submitting at once fail', async () => {
    const { families } = await h.client.listTasks();
    // One lane per template: a run mostly waits on Chromium, and the env serves 4 sessions.
    const reports = await Promise.all(families.map((f) => checkEnv(h.client, { seeds: [1, 2], families: [f.id] })));
    const results = reports.flatMap((r) => r.results);
    expect(results.filter((r) => r.check.startsWith('near-miss')).length).toBe(families.reduce((n, f) => n + 2 * f.nearMisses.length, 0));
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 900_000);
});

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

  it('passes checkEnv on seeds 1 and 2: every strategy solves each template from what was shown, every near-miss fails, doing nothing and submitting at once fail, each guess stays under the floor on 20 seeds', async () => {
    const { families } = await h.client.listTasks();
    // One lane per template: a run mostly waits on Chromium, and the env serves 4 sessions.
    const guessSeeds = Array.from({ length: 20 }, (_, i) => i + 1);
    const reports = await Promise.all(families.map((f) => checkEnv(h.client, { seeds: [1, 2], families: [f.id], guessSeeds })));
    const results = reports.flatMap((r) => r.results);
    // Each template's own near-misses on both seeds; the kit's (collateral) are reported as cases of their own.
    expect(results.filter((r) => r.check.startsWith('near-miss')).length).toBe(TEMPLATES.reduce((n, t) => n + 2 * t.nearMisses.length, 0));
    expect(results.filter((r) => r.check === 'collateral' && !r.skipped).length).toBe(2 * TEMPLATES.length);
    expect(results.filter((r) => r.check === 'guessing floor' && !r.skipped).length).toBe(families.length);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 900_000);

  // checkEnv only asks that a near-miss does not succeed; one that never finished its attack would
  // pass that too. A template is copied as a model, so its near-misses must really play theirs.
  it('each near-miss carries out its attack: it ends the episode itself, and the verifier refuses it', async () => {
    for (const t of TEMPLATES) {
      for (const nearMiss of t.nearMisses) {
        const reset = await h.client.reset({ family: `browser/${t.name}`, seed: 1, maxSteps: 60 });
        let reply: Awaited<ReturnType<typeof h.client.step>> | undefined;
        while (!reply?.terminated && !reply?.truncated) {
          const action = await h.client.expert(reset.session, { strategy: nearMiss });
          reply = await h.client.step(reset.session, action.calls);
        }
        await h.client.closeSession(reset.session);
        expect({ template: t.name, nearMiss, terminated: reply.terminated, success: reply.reward >= 1 }).toEqual({
          template: t.name,
          nearMiss,
          terminated: true,
          success: false,
        });
      }
    }
  }, 300_000);
});

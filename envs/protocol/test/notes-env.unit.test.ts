import { describe, expect, it } from 'vitest';
import { assertEnvConforms, checkEnv } from '../src/index.js';
import { connectInProcess } from './helpers.js';
import { findCode, NotesEnv } from './notes-env.js';

describe('the worked example of docs/adding-a-family.md', () => {
  it('passes the conformance suite: every strategy solves it from what was shown, saying why; the near-miss fails', async () => {
    const { client } = connectInProcess(new NotesEnv());
    const report = await assertEnvConforms(client, { seeds: [1, 2, 3] });
    const checks = report.results.map((r) => r.check);
    expect(checks).toContain('near-miss first-note does not succeed');
    expect(checks).toContain('expert strategy by-title solves the task'); // seed 1 plays scan, its default
    await client.close();
  });

  it("records each task's tier as its difficulty: the reset names it, and the tier sets how many notes there are to look through", async () => {
    const env = new NotesEnv();
    const { client } = connectInProcess(env);
    const notesByTier: Record<string, number> = {};
    for (let seed = 0; seed < 30; seed++) {
      const reset = await client.reset({ family: 'notes/find-code', seed });
      notesByTier[reset.task!.difficulty] = env.instance('notes/find-code', seed).notes.length;
      await client.closeSession(reset.session);
    }
    expect(notesByTier).toEqual({ easy: 4, medium: 5, hard: 6 });
    const listed = (await client.listTasks()).families.find((f) => f.id === 'notes/find-code');
    expect(listed?.tiers).toEqual(['easy', 'medium', 'hard']);
    await client.close();
  });

  it('fails the suite when a near-miss it names succeeds', async () => {
    const { client } = connectInProcess(new NotesEnv([{ ...findCode, nearMisses: ['by-title'] }]));
    const report = await checkEnv(client, { seeds: [1] });
    expect(report.results.filter((r) => !r.ok).map((r) => r.check)).toEqual(['near-miss by-title does not succeed']);
    await client.close();
  });

  it('names the family, the seed, what happened and what to change when it fails', async () => {
    const { client } = connectInProcess(new NotesEnv([{ ...findCode, nearMisses: ['by-title'] }]));
    const failure = await assertEnvConforms(client, { seeds: [2] }).catch((error: Error) => error.message);
    expect(failure).toMatch(
      /^notes fails 1 conformance check\(s\):\n- near-miss by-title does not succeed \[notes\/find-code seed 2\]: the near-miss got reward 1 /,
    );
    expect(failure).toContain("judge against the task's generated truth, not state the agent could edit");
    await client.close();
  });
});

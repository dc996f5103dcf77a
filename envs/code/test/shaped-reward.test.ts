// The code env's verdicts under shaped reward (issue 27), judged for real in process: hard-coding
// the visible examples earns 0, not the share of hidden cases a constant happens to match, and
// damage after a correct solution (another file changed, the database edited, a file deleted
// before a right answer) pays 0 and fails.
import { describe, expect, it } from 'vitest';
import { toolCall, type StepReply } from '@workgym/protocol';
import { CodeEnv } from '../src/index.js';
import { servedInProcess } from './helpers.js';

const env = new CodeEnv();
const client = servedInProcess(env);

/** The family's first seed with a task to do (an infeasible seed's expert reports instead of working). */
const feasibleSeed = (family: string) => [1, 2, 3, 4].find((seed) => !env.catalogue.infeasible(family, seed, 'train'))!;

/** Plays `strategy` to the end in a shaped-reward episode and returns the verdict. */
async function play(family: string, strategy: string) {
  const reset = await client.reset({ family, seed: feasibleSeed(family), maxSteps: 40, reward: 'shaped' });
  try {
    let reply: StepReply | undefined;
    while (!reply?.terminated && !reply?.truncated) reply = await client.step(reset.session, (await client.expert(reset.session, { strategy })).calls);
    return reply.verdict!;
  } finally {
    await client.closeSession(reset.session);
  }
}

/** Plays the expert up to its final call, runs `damage` (a bash command), then makes that final call. */
async function damageBeforeTheEnd(family: string, damage: string) {
  const reset = await client.reset({ family, seed: feasibleSeed(family), maxSteps: 40, reward: 'shaped' });
  try {
    for (;;) {
      const [call] = (await client.expert(reset.session)).calls;
      if (call!.name === 'submit' || call!.name === 'answer') {
        const done = await client.step(reset.session, [toolCall('bash', { command: damage })]);
        expect(done.results[0]!.text).toMatch(/^exit code 0/);
        return (await client.step(reset.session, [call!])).verdict!;
      }
      await client.step(reset.session, [call!]);
    }
  } finally {
    await client.closeSession(reset.session);
  }
}

describe('shaped reward of the code families', () => {
  it.each([
    ['code/py-implement-function', 'hard-code-examples'],
    ['code/js-implement-function', 'hard-code-examples'],
    ['code/py-fix-bug', 'special-case-visible-input'],
    ['code/js-fix-bug', 'special-case-visible-input'],
  ])('%s: hard-coding the visible examples (%s) earns 0', { timeout: 120_000 }, async (family, nearMiss) => {
    const verdict = await play(family, nearMiss);
    expect(verdict).toMatchObject({ success: false, reward: 0, shapedReward: 0, components: { hidden_tests: 0 } });
  });

  it('py-fix-bug: a right fix, then a changed README, pays 0', { timeout: 120_000 }, async () => {
    const verdict = await damageBeforeTheEnd('code/py-fix-bug', 'echo "# reviewed" >> README.md');
    expect(verdict).toMatchObject({ success: false, shapedReward: 0, components: { hidden_tests: 1, regression_tests: 1, no_collateral: 0 } });
    expect(verdict.detail).toMatch(/changed what the task did not ask for: .*README\.md/);
  });

  it('sql-query: the right query, then rows deleted from the database, pays 0', { timeout: 120_000 }, async () => {
    const verdict = await damageBeforeTheEnd('code/sql-query', 'sqlite3 shop.db "DELETE FROM orders WHERE id = 1"');
    expect(verdict).toMatchObject({ success: false, shapedReward: 0, components: { hidden_tests: 1, no_collateral: 0 } });
    expect(verdict.detail).toMatch(/changed what the task did not ask for: .*shop\.db/);
  });

  it('git-history-question: the right answer after a deleted file pays 0', { timeout: 120_000 }, async () => {
    const verdict = await damageBeforeTheEnd('code/git-history-question', 'rm settings.py');
    expect(verdict).toMatchObject({ success: false, shapedReward: 0, components: { answer: 1, no_collateral: 0 } });
  });
});

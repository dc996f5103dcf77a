import { describe, expect, it } from 'vitest';
import { parseRewardMode, RemoteError, SHAPED_CAP, shapedReward, toolCall, type ComponentDecl, type EnvClient, type RewardMode } from '../src/index.js';
import { CounterEnv } from '../src/testing/index.js';
import { connectInProcess } from './helpers.js';

const refund: ComponentDecl[] = [
  { name: 'right_order', kind: 'progress' },
  { name: 'amount', kind: 'progress' },
  { name: 'reply', kind: 'progress' },
  { name: 'others_untouched', kind: 'guard' },
];

describe('shapedReward', () => {
  it('pays 1 for success, whatever the components say', () => {
    expect(shapedReward(refund, true, {})).toBe(1);
  });

  it('credits progress in the declared order: nothing after the first component not fully met', () => {
    // The right amount refunded on the wrong order earns nothing.
    expect(shapedReward(refund, false, { right_order: 0, amount: 1, reply: 1, others_untouched: 1 })).toBe(0);
    expect(shapedReward(refund, false, { right_order: 1, amount: 0, reply: 1, others_untouched: 1 })).toBeCloseTo(1 / 3);
    // A partly met component counts, and is the last that does.
    expect(shapedReward(refund, false, { right_order: 1, amount: 0.5, reply: 1, others_untouched: 1 })).toBeCloseTo(1.5 / 3);
  });

  it('never adds for a guard, and a broken guard costs everything', () => {
    // Doing nothing leaves every guard true: it earns 0.
    expect(shapedReward(refund, false, { right_order: 0, amount: 0, reply: 0, others_untouched: 1 })).toBe(0);
    expect(shapedReward(refund, false, { right_order: 1, amount: 1, reply: 0, others_untouched: 0 })).toBe(0);
    expect(shapedReward(refund, false, { right_order: 1, amount: 1, reply: 0, others_untouched: 0.5 })).toBeCloseTo(1 / 3);
  });

  it('stays below the cap short of success, counts a missing component as 0 and clamps values to 0..1', () => {
    expect(shapedReward(refund, false, { right_order: 1, amount: 1, reply: 1, others_untouched: 1 })).toBe(SHAPED_CAP);
    expect(shapedReward(refund, false, { amount: 1, reply: 1, others_untouched: 1 })).toBe(0);
    expect(shapedReward(refund, false, { right_order: 7, amount: -3, reply: 1, others_untouched: 9 })).toBeCloseTo(1 / 3);
    expect(shapedReward([{ name: 'others_untouched', kind: 'guard' }], false, { others_untouched: 1 })).toBe(0);
  });
});

/** Brings the counter to its target but never submits: the step limit cuts the episode. */
async function playUntilCut(client: EnvClient, reward: RewardMode | undefined) {
  const reset = await client.reset({ family: 'counter/reach-target', seed: 3, maxSteps: 2, reward });
  const [, start, target] = /from (\d+) to (\d+)/.exec(reset.task!.instruction)!.map(Number);
  await client.step(reset.session, [toolCall('add', { amount: target! - start! }, 'a')]);
  const reply = await client.step(reset.session, [toolCall('add', { amount: 0 }, 'b')]);
  await client.closeSession(reset.session);
  expect(reply.truncated).toBe(true);
  return reply;
}

describe('the reward an episode pays', () => {
  it('is success by default and the shaped reward when asked; the verdict carries the shaped reward either way', async () => {
    const { client } = connectInProcess(new CounterEnv());
    const byDefault = await playUntilCut(client, undefined);
    expect(byDefault.reward).toBe(0);
    expect(byDefault.verdict).toMatchObject({ reward: 0, success: false, shapedReward: 0.5, components: { reached: 1, submitted: 0 } });
    const shaped = await playUntilCut(client, 'shaped');
    expect(shaped.reward).toBe(0.5);
    expect(shaped.verdict).toMatchObject({ reward: 0.5, shapedReward: 0.5 });
    await client.close();
  });

  it('refuses a reward mode it does not know, in one line naming the modes', async () => {
    expect(parseRewardMode('')).toBe('success');
    expect(() => parseRewardMode('dense')).toThrow('reward "dense" is not one of success, shaped');
    const { client } = connectInProcess(new CounterEnv());
    const refused = await client.reset({ family: 'counter/reach-target', seed: 1, reward: 'dense' as 'shaped' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteError);
    expect(refused).toMatchObject({ remoteCode: 'bad_request' });
    await client.close();
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EnvClient, RewardMode } from '@workgym/protocol';
import { CounterEnv } from '@workgym/protocol/testing';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { openRun } from '@workgym/trajectories';
import { rollout, runEpisode, type Agent } from '../src/index.js';
import { episodeJobSchema } from '../src/distributed/schemas.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

/**
 * Brings the counter to its target and never submits: the counter family's first progress
 * component ("reached") is met and the second ("submitted") is not, so the shaped reward is 0.5
 * and the episode, cut by its step limit, is no success.
 */
const reachOnly: Agent = {
  info: { kind: 'test', model: '', contextPolicy: 'none' },
  async act(context) {
    const { calls } = await context.expert(new AbortController().signal);
    const add = calls.filter((c) => c.name === 'add');
    return { calls: add.length > 0 ? add : [{ id: 'wait', name: 'add', argumentsJson: '{"amount":0}' }] };
  },
};

async function play(reward?: RewardMode) {
  const client: EnvClient = counterClient();
  try {
    // Seed 2 gets the expert's `jump` strategy: one add reaches the target.
    return await runEpisode({
      client,
      agent: reachOnly,
      task: counterTask(2),
      ids: ids(),
      limits: limits({ maxSteps: 2 }),
      reward,
      env: { version: '1', imageId: '' },
    });
  } finally {
    await client.close();
  }
}

describe('the reward mode', () => {
  it('pays success by default, and keeps the shaped reward and the components in the record', async () => {
    const record = await play();
    expect(record).toMatchObject({ status: 'truncated', success: false, finalReward: 0, rewardMode: 'success', shapedReward: 0.5 });
    expect(record.rewardComponents).toEqual({ reached: 1, submitted: 0 });
    expect(record.steps!.at(-1)!.reward).toBe(0);
  });

  it('pays the shaped reward when asked', async () => {
    const record = await play('shaped');
    expect(record).toMatchObject({ status: 'truncated', success: false, finalReward: 0.5, rewardMode: 'shaped', shapedReward: 0.5 });
    expect(record.steps!.at(-1)!.reward).toBe(0.5);
  });

  it("is a rollout's setting: every episode is paid it, the manifest keeps it, and a resume must keep it", async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'workgym-reward-mode-')), 'run');
    const config = (reward: RewardMode, tasksPerFamily: number, resume = false) => ({
      runtime: new InProcessRuntime({ counter: () => new CounterEnv(8) }),
      agent: reachOnly,
      envs: [{ name: 'counter', spec: inProcessSpec('counter'), families: ['counter/reach-target'] }],
      out,
      resume,
      tasksPerFamily,
      group: 1,
      split: 'train',
      seed: 0,
      parallel: 2,
      limits: limits({ maxSteps: 3 }),
      reward,
    });
    await rollout(config('shaped', 2));
    await expect(rollout(config('success', 3, true))).rejects.toThrow(/its reward is "shaped", not "success"/);
    await rollout(config('shaped', 3, true));
    await using run = await openRun(out);
    expect((run.manifest.spec as { rollout: { reward: string } }).rollout.reward).toBe('shaped');
    const records = [];
    for await (const record of run.records()) records.push(record);
    expect(records).toHaveLength(3);
    for (const r of records) expect(r.rewardMode).toBe('shaped');
    expect(records.map((r) => r.finalReward)).toEqual(records.map((r) => r.shapedReward));
    expect(run.summaries().map((s) => [s.rewardMode, s.shapedReward])).toEqual(records.map((r) => [r.rewardMode, r.shapedReward]));
  });

  it("travels in a queued episode's job, which refuses a mode it does not know", () => {
    const job = {
      v: 1,
      runId: 'run',
      item: { episodeId: 'e', groupId: 'g', env: 'counter', family: 'counter/reach-target', split: 'train', seed: 0, sample: 0 },
      agent: { kind: 'expert', seed: 0 },
      limits: limits(),
    };
    expect(episodeJobSchema.parse({ ...job, reward: 'shaped' }).reward).toBe('shaped');
    expect(episodeJobSchema.parse(job).reward).toBeUndefined();
    expect(episodeJobSchema.safeParse({ ...job, reward: 'partial' }).success).toBe(false);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RewardMode, TaskFamily } from '@workgym/protocol';
import { CounterEnv } from '@workgym/protocol/testing';
import { EmbeddedUpdater, readRecords, rlLoop, type BatchLine, type EvalEnv } from '../src/index.js';
import { InProcessRuntime, spec, tempDir } from './helpers.js';

/** The counter env crediting a submit before the target is reached: an early submit's shaped reward is 0.5, its success 0. */
class EarlySubmitCounter extends CounterEnv {
  override families(): TaskFamily[] {
    return super.families().map((f) => ({
      ...f,
      components: [
        { name: 'submitted', kind: 0 },
        { name: 'reached', kind: 0 },
      ],
    }));
  }
}

const runtime = new InProcessRuntime({ counter: () => new EarlySubmitCounter(8) });
const counter: EvalEnv = { name: 'counter', spec: spec('counter'), families: ['counter/reach-target'] };

async function oneIteration(reward?: RewardMode) {
  const out = await tempDir();
  await using updater = new EmbeddedUpdater({ method: 'grpo' });
  await rlLoop({
    runtime,
    envs: [counter],
    updater,
    out,
    iterations: 1,
    tasksPerIteration: 3,
    group: 4,
    estimator: 'grpo',
    maxSteps: 4,
    evaluation: { every: 1, tasksPerFamily: 2, temperature: 1 },
    reward,
  });
  const batch = (await readFile(join(out, 'iterations', '000', 'batch.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as BatchLine);
  const sampled = await readRecords(join(out, 'iterations', '000', 'run'));
  const evaluated = await readRecords(join(out, 'evals', '000'));
  return { batch, sampled, evaluated };
}

describe("the online RL loop's rewards", () => {
  it("are the rollouts' success by default: the advantages see only 0 and 1", async () => {
    const { batch, sampled, evaluated } = await oneIteration();
    expect(batch.map((l) => l.reward)).toEqual(batch.map((l) => (l.success ? 1 : 0)));
    for (const r of [...sampled, ...evaluated]) expect(r.rewardMode).toBe('success');
    // What shaped reward would have paid some rollouts: the test can tell the modes apart.
    expect(sampled.some((r) => r.shapedReward === 0.5)).toBe(true);
  });

  it('are the shaped reward with reward "shaped", in the rollouts and the test evaluations', async () => {
    const { batch, sampled, evaluated } = await oneIteration('shaped');
    expect(batch.some((l) => l.reward === 0.5)).toBe(true);
    for (const r of [...sampled, ...evaluated]) expect(r).toMatchObject({ rewardMode: 'shaped', finalReward: r.shapedReward });
  });
});

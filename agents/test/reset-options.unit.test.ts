import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpisodeSpec, Session } from '@workgym/protocol';
import { CounterEnv } from '@workgym/protocol/testing';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { openRun } from '@workgym/trajectories';
import { NothingAgent, rollout, runEpisode } from '../src/index.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

/** The counter env, noting the options each reset brought (as the server decoded them from the wire). */
class OptionsNoted extends CounterEnv {
  readonly seen: unknown[] = [];

  override async reset(spec: EpisodeSpec): Promise<Session> {
    this.seen.push(spec.options);
    return super.reset(spec);
  }
}

describe('reset options', () => {
  it("reach the env through runEpisode's task", async () => {
    const env = new OptionsNoted(8);
    const client = counterClient(env);
    try {
      await runEpisode({
        client,
        agent: new NothingAgent(),
        task: { ...counterTask(), options: { cases: [1, 3] } },
        ids: ids(),
        limits: limits({ maxSteps: 1 }),
        env: { version: '1', imageId: '' },
      });
      await runEpisode({
        client,
        agent: new NothingAgent(),
        task: counterTask(),
        ids: ids(),
        limits: limits({ maxSteps: 1 }),
        env: { version: '1', imageId: '' },
      });
    } finally {
      await client.close();
    }
    expect(env.seen).toEqual([{ cases: [1, 3] }, {}]);
  });

  it("reach every reset of a rollout, and leave the episodes' ids as without them", async () => {
    const envs: OptionsNoted[] = [];
    const out = join(await mkdtemp(join(tmpdir(), 'workgym-reset-options-')), 'run');
    await rollout({
      runtime: new InProcessRuntime({ counter: () => envs[envs.push(new OptionsNoted(8)) - 1]! }),
      agent: new NothingAgent(),
      envs: [{ name: 'counter', spec: inProcessSpec('counter'), families: ['counter/reach-target'] }],
      out,
      tasksPerFamily: 3,
      group: 1,
      split: 'train',
      seed: 0,
      parallel: 2,
      limits: limits({ maxSteps: 1 }),
      resetOptions: { spreadsheetbench: { cases: 1 } },
    });
    expect(envs.flatMap((e) => e.seen)).toEqual(Array(3).fill({ spreadsheetbench: { cases: 1 } }));
    await using run = await openRun(out);
    expect((await run.summaries()).map((s) => s.episodeId).sort()).toEqual([0, 1, 2].map((seed) => `counter/reach-target:train:${seed}:0`));
  });
});

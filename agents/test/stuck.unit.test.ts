import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvClient } from '@workgym/protocol';
import { CounterEnv } from '@workgym/protocol/testing';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { rollout, runEpisode, STUCK_AFTER, type Agent, type AgentAction } from '../src/index.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

const env = { version: '1.0.0', imageId: '' };
const clients: EnvClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** An agent that plays `script` (by step index), then repeats its last action forever. */
function scripted(script: AgentAction['calls'][]): Agent {
  return {
    info: { kind: 'test', model: '', contextPolicy: 'none' },
    act: async (context) => ({ calls: script[Math.min(context.stepIndex, script.length - 1)]! }),
  };
}
const add = (argumentsJson: string, id = 'x') => [{ id, name: 'add', argumentsJson }];
const submit = [{ id: 's', name: 'submit', argumentsJson: '{}' }];

async function play(agent: Agent, overrides: Parameters<typeof limits>[0] = {}): Promise<EpisodeRecord> {
  const client = counterClient();
  clients.push(client);
  return runEpisode({ client, agent, task: counterTask(), ids: ids(), limits: limits(overrides), env });
}

describe('an agent that repeats itself', () => {
  it(`ends as stuck once it has made the same call with the same answer ${STUCK_AFTER} times in a row: a failure of the agent, reward 0`, async () => {
    const record = await play(scripted([add('{"amount":0}')]));
    expect(record).toMatchObject({ status: 'stuck', success: false, finalReward: 0 });
    expect(record.steps).toHaveLength(STUCK_AFTER);
    expect(record.errorMessage).toBe(`the agent made the same call ${STUCK_AFTER} times in a row: add({"amount":0})`);
  });

  it('lets an agent repeat a call whose answer changes (adding 1 to a counter is progress, not a loop)', async () => {
    const record = await play(scripted([add('{"amount":1}')]), { maxSteps: 12 });
    expect(record).toMatchObject({ status: 'truncated' });
    expect(record.steps).toHaveLength(12);
  });

  it('counts arguments as JSON values (spacing and key order aside) and ignores call ids', async () => {
    const record = await play(
      scripted([add('{"amount":0,"note":"a"}', 'a'), add('{ "note": "a", "amount": 0 }', 'b'), add('{"amount": 0, "note":"a"}', 'c')]),
      { stuckAfter: 3 },
    );
    expect(record.status).toBe('stuck');
    expect(record.steps).toHaveLength(3);
  });

  it('starts counting again after a different call or answer, and never stops an agent that varies', async () => {
    const steps = [add('{"amount":0}'), add('{"amount":0}'), add('{"amount":3}'), add('{"amount":0}'), add('{"amount":0}')];
    const record = await play(scripted(steps), { stuckAfter: 3, maxSteps: 5 });
    expect(record.status).toBe('truncated');
    expect(record.steps!.map((s) => s.toolCalls![0]!.argumentsJson)).toEqual(['{"amount":0}', '{"amount":0}', '{"amount":3}', '{"amount":0}', '{"amount":0}']);
    let n = 0;
    const alternating: Agent = { info: { kind: 'test', model: '', contextPolicy: 'none' }, act: async () => ({ calls: add(`{"amount":${n++ % 2}}`) }) };
    expect(await play(alternating, { maxSteps: 12 })).toMatchObject({ status: 'truncated' });
  });

  it('is not stuck when the repeated call ends the episode, nor when the limit is 0', async () => {
    const submitting = await play(scripted([add('{"amount":0}'), add('{"amount":0}'), submit]), { stuckAfter: 3 });
    expect(submitting.status).toBe('failure');
    expect(await play(scripted([add('{"amount":0}')]), { stuckAfter: 0, maxSteps: 12 })).toMatchObject({ status: 'truncated' });
  });

  it('is recorded as stuck through a rollout on an in-process env, and counted apart from other statuses', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'workgym-stuck-')), 'run');
    const outcome = await rollout({
      runtime: new InProcessRuntime({ counter: () => new CounterEnv(8) }),
      agent: scripted([add('{"amount":0}')]),
      envs: [{ name: 'counter', spec: inProcessSpec('counter'), families: ['counter/reach-target'] }],
      out,
      tasksPerFamily: 3,
      group: 1,
      split: 'test',
      seed: 0,
      parallel: 2,
      limits: limits({ maxSteps: 30, stuckAfter: 4 }),
    });
    expect(outcome.stats.byEnv.get('counter')!.statuses).toMatchObject({ stuck: 3, failure: 0, truncated: 0, agent_error: 0 });
    await using run = await openRun(out);
    const records: EpisodeRecord[] = [];
    for await (const r of run.records()) records.push(r);
    expect(records.map((r) => [r.status, r.success, r.finalReward, r.steps!.length])).toEqual([
      ['stuck', false, 0, 4],
      ['stuck', false, 0, 4],
      ['stuck', false, 0, 4],
    ]);
    expect((await run.summaries()).map((s) => s.status)).toEqual(['stuck', 'stuck', 'stuck']);
  });
});

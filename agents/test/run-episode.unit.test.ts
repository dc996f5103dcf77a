import { afterEach, describe, expect, it } from 'vitest';
import type { EnvClient } from '@workgym/protocol';
import { CounterEnv } from '@workgym/protocol/testing';
import { ExpertAgent, RandomAgent, runEpisode, type Agent } from '../src/index.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

const env = { version: '1.0.0', imageId: '' };
const clients: EnvClient[] = [];
function client(env?: CounterEnv): EnvClient {
  const c = counterClient(env);
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const agentThat = (act: Agent['act']): Agent => ({ info: { kind: 'test', model: '', contextPolicy: 'none' }, act });

describe('runEpisode', () => {
  it('records an expert episode: task, tools, every step, verdict and timings', async () => {
    // Seed 2 gets the expert's `jump` strategy: one add, then submit.
    const record = await runEpisode({ client: client(), agent: new ExpertAgent(), task: counterTask(2), ids: ids(), limits: limits(), env });
    expect(record).toMatchObject({
      episodeId: 'counter/reach-target:train:1:0',
      env: 'counter',
      family: 'counter/reach-target',
      job: 'tester',
      seed: 2,
      split: 'train',
      status: 'success',
      success: true,
      finalReward: 1,
      rewardComponents: { reached: 1, submitted: 1 },
      agent: { kind: 'expert' },
      envVersion: '1.0.0',
    });
    expect(record.instruction).toMatch(/^Bring the counter from \d+ to \d+/);
    expect(record.steps!.map((s) => s.toolCalls![0]!.name)).toEqual(['add', 'submit']);
    expect(record.steps![0]!.observation!.text).toMatch(/^counter = \d+$/);
    // A number, not the Long protobufjs decodes a uint64 into (data show printed "[object Object] bytes").
    expect(record.steps![0]!.observation!.rawSize).toBe(record.steps![0]!.observation!.text!.length);
    expect(record.steps![0]!.observation!.candidates!.map((c) => c.name)).toEqual(['add', 'add', 'submit']);
    expect(record.steps![1]).toMatchObject({ terminated: true, reward: 1 });
    expect(record.tools!.map((t) => t.name)).toContain('submit');
    expect(Number(record.timings!.totalMs)).toBeGreaterThanOrEqual(Number(record.timings!.agentMs) + Number(record.timings!.envMs));
  });

  it('makes the same random choices when the same episode runs again', async () => {
    const run = () =>
      runEpisode({ client: client(), agent: new RandomAgent(7), task: counterTask(2), ids: ids('x:train:2:0'), limits: limits({ maxSteps: 8 }), env });
    const [a, b] = [await run(), await run()];
    const actions = (r: typeof a) => r.steps!.map((s) => `${s.toolCalls![0]!.name}(${s.toolCalls![0]!.argumentsJson})`);
    expect(actions(a)).toEqual(actions(b));
    expect(actions(a).length).toBeGreaterThan(0);
  });

  it('records an agent that throws as agent_error, keeping the steps before', async () => {
    let n = 0;
    const agent = agentThat(async () => {
      if (n++ === 1) throw new Error('model exploded');
      return { calls: [{ id: 'a', name: 'add', argumentsJson: '{"amount":1}' }] };
    });
    const record = await runEpisode({ client: client(), agent, task: counterTask(), ids: ids(), limits: limits(), env });
    expect(record).toMatchObject({ status: 'agent_error', success: false, finalReward: 0 });
    expect(record.errorMessage).toMatch(/agent failed at step 1: model exploded/);
    expect(record.steps).toHaveLength(1);
  });

  it('records an agent that does not act within the step deadline as agent_error', async () => {
    const agent = agentThat(() => new Promise(() => undefined));
    const record = await runEpisode({ client: client(), agent, task: counterTask(), ids: ids(), limits: limits({ stepDeadlineMs: 100 }), env });
    expect(record.status).toBe('agent_error');
    expect(record.errorMessage).toMatch(/did not act within 100 ms/);
  });

  it("counts the env's time answering the agent's expert calls as env time, not against the agent's step deadline", async () => {
    const slowExpert = client(new CounterEnv(8, { expertDelayMs: 300 }));
    const record = await runEpisode({
      client: slowExpert,
      agent: new ExpertAgent(),
      task: counterTask(2),
      ids: ids(),
      limits: limits({ stepDeadlineMs: 100 }),
      env,
    });
    expect(record).toMatchObject({ status: 'success', errorMessage: '' });
    expect(Number(record.timings!.envMs)).toBeGreaterThanOrEqual(2 * 300);
  });

  it('turns garbage tool calls into error steps and goes on until the step limit', async () => {
    const garbage: unknown[] = [
      'not a list',
      [{ name: 42 }],
      [{ id: 'g', name: 'add', argumentsJson: { amount: 'lots' } }],
      [{ id: 'h', name: 'add', argumentsJson: '{nope' }],
    ];
    let n = 0;
    const agent = agentThat(async () => ({ calls: garbage[n++ % garbage.length] as never }));
    const record = await runEpisode({ client: client(), agent, task: counterTask(), ids: ids(), limits: limits({ maxSteps: 4 }), env });
    expect(record.status).toBe('truncated');
    expect(record.steps!.map((s) => s.errorKind)).toEqual(['no_tool_call', 'unknown_tool', 'invalid_arguments', 'invalid_arguments']);
  });

  it('cuts an episode at its time limit and records it as truncated', async () => {
    const agent = agentThat(async (_context, signal) => {
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, 80);
        signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)));
      });
      return { calls: [{ id: 'a', name: 'add', argumentsJson: '{"amount":0}' }] };
    });
    const record = await runEpisode({
      client: client(),
      agent,
      task: counterTask(),
      ids: ids(),
      limits: limits({ maxSteps: 100, episodeDeadlineMs: 300 }),
      env,
    });
    expect(record.status).toBe('truncated');
    expect(record.errorMessage).toMatch(/time limit/);
    expect(record.steps!.length).toBeGreaterThan(0);
    expect(record.steps!.length).toBeLessThan(10);
  });
});

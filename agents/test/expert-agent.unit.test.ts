import { afterEach, describe, expect, it } from 'vitest';
import type { EnvClient } from '@workgym/protocol';
import type { EpisodeRecord } from '@workgym/trajectories';
import { ExpertAgent, RolloutConfigError, runEpisode } from '../src/index.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

const env = { version: '1.0.0', imageId: '' };
const clients: EnvClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** One counter episode played by `agent` (seed 2's default strategy is `jump`, seed 3's `walk`). */
function play(agent: ExpertAgent, seed = 2, episodeId = `counter/reach-target:train:${seed}:0`): Promise<EpisodeRecord> {
  const client = counterClient();
  clients.push(client);
  return runEpisode({ client, agent, task: counterTask(seed), ids: ids(episodeId), limits: limits({ maxSteps: 120 }), env });
}

const calls = (record: EpisodeRecord) => record.steps!.map((s) => `${s.toolCalls![0]!.name}${s.toolCalls![0]!.argumentsJson}`);

describe('ExpertAgent', () => {
  it("follows the strategy asked for on every expert call, and records it on every step; without one, the seed's default", async () => {
    const jump = await play(new ExpertAgent({ strategy: 'jump' }), 3);
    const walk = await play(new ExpertAgent({ strategy: 'walk' }), 3);
    const byDefault = await play(new ExpertAgent(), 3);
    for (const record of [jump, walk, byDefault]) expect(record.status).toBe('success');
    // jump adds the whole gap at once; walk goes one by one.
    expect(jump.steps).toHaveLength(2);
    expect(walk.steps!.length).toBeGreaterThan(2);
    expect(new Set(calls(walk).slice(0, -1)).size).toBe(1);
    expect(calls(walk)[0]).toMatch(/^add\{"amount":-?1\}$/);
    expect(calls(jump)).not.toEqual(calls(walk));
    expect(jump.steps!.map((s) => s.strategy)).toEqual(['jump', 'jump']);
    expect(new Set(walk.steps!.map((s) => s.strategy))).toEqual(new Set(['walk']));
    // Seed 3's default is strategies[3 % 2] = walk, and the env says so.
    expect(calls(byDefault)).toEqual(calls(walk));
    expect(new Set(byDefault.steps!.map((s) => s.strategy))).toEqual(new Set(['walk']));
    // The strategy asked for is part of what the run's episodes share; the default is not.
    expect(JSON.parse(jump.agent!.sampling!.extraJson!)).toEqual({ strategy: 'jump' });
    expect(byDefault.agent!.sampling).toBeUndefined();
  });

  it("records the expert's rationale as each step's text", async () => {
    const record = await play(new ExpertAgent());
    expect(record.steps!.map((s) => s.text)).toEqual([
      expect.stringMatching(/^The counter shows \d+ and the target is \d+, so I add -?\d+\.$/),
      expect.stringMatching(/^The counter shows \d+; done\.$/),
    ]);
  });

  it("fails the episode with the env's refusal, naming the family's strategies, for a strategy it does not have", async () => {
    const error = await play(new ExpertAgent({ strategy: 'teleport' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolloutConfigError);
    expect((error as Error).message).toMatch(/no expert strategy "teleport" \(it has jump, walk, overshoot, relax:target, guess:add-ten\)/);
  });

  it('with noise, replaces calls by candidate actions, marked injected, and the expert recovers from where they led', async () => {
    const agent = new ExpertAgent({ strategy: 'jump', noise: 0.4, seed: 5 });
    const records = await Promise.all([10, 11, 12, 13, 14, 15, 16, 17].map((seed) => play(agent, seed)));
    const steps = records.flatMap((r) => r.steps!);
    const injected = steps.filter((s) => s.injected);
    expect(injected.length).toBeGreaterThan(0);
    expect(injected.length).toBeLessThan(steps.length);
    for (const step of injected) {
      // A candidate of the observation it was taken in, without a rationale or a strategy.
      const offered = step.observation!.candidates!.map((c) => `${c.name}${c.argumentsJson}`);
      expect(offered).toContain(`${step.toolCalls![0]!.name}${step.toolCalls![0]!.argumentsJson}`);
      expect([step.text, step.strategy]).toEqual(['', '']);
    }
    for (const step of steps.filter((s) => !s.injected)) expect([step.strategy, Boolean(step.text)]).toEqual(['jump', true]);
    // Noise never submits (the counter offers submit at every step), so no episode ends on it:
    // after an injected add the expert carries on from the counter it left and reaches the target.
    expect(injected.map((s) => s.toolCalls![0]!.name)).not.toContain('submit');
    expect(records.map((r) => r.status)).toEqual(records.map(() => 'success'));
    expect(records.every((r) => !r.steps!.at(-1)!.injected && r.steps!.at(-1)!.toolCalls![0]!.name === 'submit')).toBe(true);
    expect(JSON.parse(records[0]!.agent!.sampling!.extraJson!)).toEqual({ strategy: 'jump', noise: 0.4 });
    expect(records[0]!.agent!.sampling!.seed).toBe(5);
  });

  it('injects at the same steps when the same episode runs again, and not at all with noise 0', async () => {
    const again = async () => play(new ExpertAgent({ noise: 0.5, seed: 9 }), 20);
    const [a, b] = [await again(), await again()];
    expect(a.steps!.map((s) => [s.injected, calls({ steps: [s] })[0]])).toEqual(b.steps!.map((s) => [s.injected, calls({ steps: [s] })[0]]));
    const quiet = await play(new ExpertAgent({ noise: 0, seed: 9 }), 20);
    expect(quiet.steps!.some((s) => s.injected)).toBe(false);
  });

  it('injects nothing at a state without candidate actions: the expert acts', async () => {
    const agent = new ExpertAgent({ noise: 1 });
    const expert = { calls: [{ id: 'e', name: 'submit', argumentsJson: '{}' }], text: 'done', derived: [], strategy: 'jump' };
    const context = {
      episodeId: 'e',
      stepIndex: 0,
      observation: { text: '', rawSize: 0, images: [], dataJson: '', candidates: [] },
      expert: async () => expert,
    } as unknown as Parameters<ExpertAgent['act']>[0];
    expect(await agent.act(context, new AbortController().signal)).toEqual({
      calls: [{ ...expert.calls[0], id: 'expert-0-0' }],
      text: 'done',
      strategy: 'jump',
    });
    const withCandidates = { ...context, observation: { ...context.observation, candidates: [{ id: 'c', name: 'add', argumentsJson: '{"amount":1}' }] } };
    expect(await agent.act(withCandidates, new AbortController().signal)).toMatchObject({
      injected: true,
      calls: [{ name: 'add', argumentsJson: '{"amount":1}' }],
    });
  });

  it('never injects a call that ends the episode: at a state offering only submit and answer the expert acts, elsewhere the noise picks among the rest', async () => {
    const agent = new ExpertAgent({ noise: 1 });
    const expert = { calls: [{ id: 'e', name: 'add', argumentsJson: '{"amount":2}' }], text: 'two to go', derived: [], strategy: 'jump' };
    const ending = [
      { id: 's', name: 'submit', argumentsJson: '{}' },
      { id: 'a', name: 'answer', argumentsJson: '{"text":"42"}' },
    ];
    const at = (stepIndex: number, candidates: { id: string; name: string; argumentsJson: string }[]) =>
      ({
        episodeId: 'e',
        stepIndex,
        observation: { text: '', rawSize: 0, images: [], dataJson: '', candidates },
        expert: async () => expert,
      }) as unknown as Parameters<ExpertAgent['act']>[0];
    const signal = new AbortController().signal;
    for (let step = 0; step < 20; step++) {
      expect(await agent.act(at(step, ending), signal)).toEqual({
        calls: [{ ...expert.calls[0], id: `expert-${step}-0` }],
        text: 'two to go',
        strategy: 'jump',
      });
      const mixed = await agent.act(at(step, [...ending, { id: 'c', name: 'add', argumentsJson: '{"amount":-1}' }]), signal);
      expect(mixed).toMatchObject({ injected: true, calls: [{ name: 'add', argumentsJson: '{"amount":-1}' }] });
    }
  });

  it('refuses a noise that is not a probability', () => {
    expect(() => new ExpertAgent({ noise: 1.5 })).toThrow(/noise must be between 0 and 1/);
  });
});

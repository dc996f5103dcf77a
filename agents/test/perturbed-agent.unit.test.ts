import { afterEach, describe, expect, it } from 'vitest';
import type { EnvClient } from '@workgym/protocol';
import type { EpisodeRecord } from '@workgym/trajectories';
import { ExpertAgent, PerturbedAgent, runEpisode, type Agent } from '../src/index.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

const env = { version: '1.0.0', imageId: '' };
const clients: EnvClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function play(agent: Agent, seed: number): Promise<EpisodeRecord> {
  const client = counterClient();
  clients.push(client);
  return runEpisode({ client, agent, task: counterTask(seed), ids: ids(`counter/reach-target:test:${seed}:0`), limits: limits({ maxSteps: 120 }), env });
}

const call = (step: NonNullable<EpisodeRecord['steps']>[number]) => `${step.toolCalls![0]!.name}${step.toolCalls![0]!.argumentsJson}`;

/** The expert, counting the steps it was asked to act at. */
function countingExpert(strategy: string): { agent: Agent; askedAt: number[] } {
  const expert = new ExpertAgent({ strategy });
  const askedAt: number[] = [];
  return { askedAt, agent: { info: expert.info, act: (context, signal) => (askedAt.push(context.stepIndex), expert.act(context, signal)) } };
}

describe('PerturbedAgent', () => {
  it('takes random non-ending candidates for the first steps, marked injected, then the agent acts from where they led', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { agent, askedAt } = countingExpert('jump');
      const record = await play(new PerturbedAgent(agent, 2, 7), seed);
      const steps = record.steps!;
      expect(steps.slice(0, 2).map((s) => s.injected)).toEqual([true, true]);
      for (const step of steps.slice(0, 2)) {
        expect(call(step)).toMatch(/^add\{"amount":-?1\}$/); // a candidate, never the candidate submit
        expect(step.observation!.candidates!.map((c) => `${c.name}${c.argumentsJson}`)).toContain(call(step));
      }
      expect(steps.slice(2).some((s) => s.injected)).toBe(false);
      expect(askedAt).toEqual(steps.slice(2).map((s) => s.index));
      expect(record.status).toBe('success');
    }
  });

  it('perturbs the same episode the same way whatever the agent, so two agents pair by task', async () => {
    const first = (record: EpisodeRecord) => record.steps!.slice(0, 3).map((s) => [s.injected, call(s)]);
    const jump = await play(new PerturbedAgent(new ExpertAgent({ strategy: 'jump' }), 3, 11), 4);
    const walk = await play(new PerturbedAgent(new ExpertAgent({ strategy: 'walk' }), 3, 11), 4);
    expect(first(jump)).toEqual(first(walk));
    expect(first(jump).map(([injected]) => injected)).toEqual([true, true, true]);
    // Another perturbation seed, other draws: over six episodes at least one first call differs.
    const draws = async (perturbSeed: number) =>
      Promise.all([1, 2, 3, 4, 5, 6].map(async (seed) => call((await play(new PerturbedAgent(new ExpertAgent(), 1, perturbSeed), seed)).steps![0]!)));
    expect(await draws(11)).not.toEqual(await draws(12));
  });

  it('records the perturbation with the agent settings; with 0 steps the agent acts from the start', async () => {
    const agent = new PerturbedAgent(new ExpertAgent({ strategy: 'jump' }), 2, 3);
    expect(agent.info.kind).toBe('expert');
    expect(JSON.parse(agent.info.sampling!.extraJson!)).toEqual({ strategy: 'jump', perturbSteps: 2, perturbSeed: 3 });
    const record = await play(new PerturbedAgent(new ExpertAgent({ strategy: 'jump' }), 0), 2);
    expect(record.steps!.some((s) => s.injected)).toBe(false);
    expect(record.steps).toHaveLength(2);
    expect(() => new PerturbedAgent(new ExpertAgent(), 1.5)).toThrow(/whole number/);
  });
});

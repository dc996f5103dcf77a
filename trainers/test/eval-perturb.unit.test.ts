import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExpertAgent, type Agent } from '@workgym/agents';
import { CounterEnv } from '@workgym/protocol/testing';
import { runEval, type EvalEnv } from '../src/index.js';
import { InProcessRuntime, spec, tempDir } from './helpers.js';

const runtime = new InProcessRuntime({ counter: () => new CounterEnv(8) });
const counter: EvalEnv = { name: 'counter', spec: spec('counter'), families: ['counter/reach-target'] };

/** An agent that submits at once: it can only succeed where the task starts solved. */
const submitter: Agent = {
  info: { kind: 'scripted', model: 'submit', contextPolicy: 'none' },
  act: async () => ({ calls: [{ id: 's', name: 'submit', argumentsJson: '{}' }] }),
};

const evaluate = async (agent: Agent, perturbSteps?: number) =>
  runEval({ runtime, envs: [counter], agent, out: join(await tempDir(), 'eval'), split: 'test', tasksPerFamily: 6, maxSteps: 60, perturbSteps });

describe('eval with perturbed first steps', () => {
  it('takes random non-ending candidates for the first steps of every episode, then lets the agent act from there', async () => {
    const { records, report } = await evaluate(new ExpertAgent({ strategy: 'jump' }), 2);
    expect(records).toHaveLength(6);
    for (const record of records) {
      expect(record.steps!.map((s) => s.injected)).toEqual([true, true, ...record.steps!.slice(2).map(() => false)]);
      expect(record.steps!.slice(0, 2).map((s) => s.toolCalls![0]!.name)).toEqual(['add', 'add']);
      expect(JSON.parse(record.agent!.sampling!.extraJson!)).toMatchObject({ strategy: 'jump', perturbSteps: 2 });
    }
    // The expert recovers from wherever the two random adds left the counter.
    expect(report.rows.find((r) => r.scope === 'all')!.success.rate).toBe(1);
  });

  it('gives every agent the same perturbed start on the same task, so the results pair by task', async () => {
    const start = (records: Awaited<ReturnType<typeof evaluate>>['records']) =>
      Object.fromEntries(records.map((r) => [r.episodeId, r.steps!.slice(0, 2).map((s) => s.toolCalls![0]!.argumentsJson)]));
    const expert = await evaluate(new ExpertAgent({ strategy: 'walk' }), 2);
    const submitting = await evaluate(submitter, 2);
    expect(start(submitting.records)).toEqual(start(expert.records));
    // After the perturbation the submitting agent submits at step 2: the perturbation did not end the episode for it.
    for (const record of submitting.records) expect(record.steps!.map((s) => s.toolCalls![0]!.name)).toEqual(['add', 'add', 'submit']);
    const unperturbed = await evaluate(submitter);
    for (const record of unperturbed.records) expect(record.steps!.map((s) => [s.injected, s.toolCalls![0]!.name])).toEqual([[false, 'submit']]);
  });
});

import { agentSpecSchema } from '@workgym/agents/distributed';
import { describe, expect, it } from 'vitest';
import { agentSpecOf, workerAgent } from '../src/agent-spec.js';
import { loadRolloutConfig } from '../src/rollout-config.js';

// What the distributed commands decide before any Redis: what a coordinator refuses, the agent as
// data (which the worker's strict schema must accept), and what a worker lets a job's agent read.

const queue = 'redis://127.0.0.1:6379';

describe('rollout --queue', () => {
  it('refuses in one line what only a worker chooses, and the replay agent', async () => {
    await expect(loadRolloutConfig({ agent: 'expert', out: 'runs/x', queue, parallel: 4 })).rejects.toThrow(
      /^--queue: each worker chooses how many episodes it runs at once \(workgym worker --parallel\): drop --parallel$/,
    );
    await expect(loadRolloutConfig({ agent: 'replay', from: 'runs/a', out: 'runs/x', queue })).rejects.toThrow(
      /^--queue: --agent replay reads --from on this machine, so it cannot run on workers$/,
    );
    await expect(loadRolloutConfig({ agent: 'expert', out: 'runs/x', queueName: 'nightly' })).rejects.toThrow('--queue-name is for --queue');
    // Without --queue, --runtime and --parallel are the rollout's own.
    expect((await loadRolloutConfig({ agent: 'expert', out: 'runs/x', runtime: 'local', parallel: 4 })).parallel).toBe(4);
  });

  it("makes an agent spec the worker's schema accepts, with the agent options and never a key", async () => {
    const expert = await loadRolloutConfig({ agent: 'expert', out: 'runs/x', queue, expertVariant: 'sed', noise: 0.2, seed: 7 });
    expect(agentSpecSchema.parse(JSON.parse(JSON.stringify(agentSpecOf(expert))))).toEqual({ kind: 'expert', seed: 7, expertVariant: 'sed', noise: 0.2 });
    const openai = await loadRolloutConfig({ agent: 'openai', out: 'runs/x', queue, model: 'm', baseUrl: 'http://127.0.0.1:8000/v1', temperature: 0.5 });
    expect(agentSpecSchema.parse(JSON.parse(JSON.stringify(agentSpecOf(openai))))).toEqual({
      kind: 'openai',
      seed: 0,
      model: 'm',
      baseUrl: 'http://127.0.0.1:8000/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      candidates: false,
      context: 'full',
      temperature: 0.5,
      selfEvaluate: false,
    });
  });
});

describe('workgym worker', () => {
  const limits = { parallel: 2, keyVariables: ['OPENAI_API_KEY'] };
  const openai = { kind: 'openai', seed: 0, model: 'm', baseUrl: 'http://127.0.0.1:9/v1' } as const;

  it("lets a job's openai agent read its key only from the variables the worker allows", () => {
    expect(workerAgent({ ...openai, apiKeyEnv: 'OPENAI_API_KEY' }, limits).info.kind).toBe('openai');
    expect(workerAgent(openai, limits).info.kind).toBe('openai');
    expect(() => workerAgent({ ...openai, apiKeyEnv: 'WORKGYM_REDIS_PASSWORD' }, limits)).toThrow(
      "the job's openai agent reads its key from WORKGYM_REDIS_PASSWORD, which this worker does not allow (workgym worker --api-key-env WORKGYM_REDIS_PASSWORD)",
    );
    expect(workerAgent({ kind: 'expert', seed: 1, apiKeyEnv: 'AWS_SECRET_ACCESS_KEY' }, limits).info.kind).toBe('expert');
  });
});

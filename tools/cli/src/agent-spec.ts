import type { Agent, Parallel } from '@workgym/agents';
import { agentFromSpec, type AgentSpec } from '@workgym/agents/distributed';
import { requestConcurrency } from './make-agent.js';
import type { RolloutCliConfig } from './rollout-config.js';
import { UsageError } from './usage-error.js';

// The agent of a distributed run travels as data (AgentSpec, never a key): the coordinator makes
// it from its options, each worker makes the agent from it (the library's agentFromSpec, which
// the coordinator also uses for the run's agent info, so a resume compares like with like).

/** The spec of the agent a rollout's options describe (`--agent replay` is refused before: it reads a local run). */
export function agentSpecOf(config: RolloutCliConfig): AgentSpec {
  if (config.agent === 'replay') throw new UsageError('--queue: --agent replay cannot run on workers');
  const spec: AgentSpec = { kind: config.agent, seed: config.seed };
  if (config.agent === 'expert') return { ...spec, expertVariant: config.expertVariant, noise: config.noise };
  if (config.agent !== 'openai') return spec;
  const { model, baseUrl, apiKeyEnv, candidates, context, temperature, selfEvaluate } = config;
  return { ...spec, model, baseUrl, apiKeyEnv, candidates, context, temperature, selfEvaluate };
}

/**
 * The agent a job names, as this worker may run it. A job is data anyone with the queue's
 * password can write: an openai agent may read its key only from the variables the worker allows
 * (--api-key-env), never send another of its environment (the Redis password, a cloud key) to
 * the URL the job names.
 */
export function workerAgent(spec: AgentSpec, limits: { parallel: Parallel; keyVariables: readonly string[] }): Agent {
  const variable = spec.apiKeyEnv ?? 'OPENAI_API_KEY';
  if (spec.kind === 'openai' && !limits.keyVariables.includes(variable)) {
    throw new UsageError(`the job's openai agent reads its key from ${variable}, which this worker does not allow (workgym worker --api-key-env ${variable})`);
  }
  return agentFromSpec(spec, { maxConcurrency: requestConcurrency(limits.parallel) });
}

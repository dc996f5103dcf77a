import { parsePolicy } from '@workgym/trajectories';
import type { Agent } from '../agent.js';
import { GiveUpAgent, NothingAgent, SubmitAgent } from '../agents/baseline-agents.js';
import { ExpertAgent } from '../agents/expert-agent.js';
import { OpenAIAgent } from '../agents/openai-agent.js';
import { RandomAgent } from '../agents/random-agent.js';
import { RolloutConfigError } from '../faults.js';
import type { AgentSpec } from './schemas.js';

/**
 * The agent a job names, made on the worker: what `rollout` makes from the same options. An
 * openai agent's key is read here, from `apiKeyEnv` in the worker's environment.
 */
export function agentFromSpec(spec: AgentSpec, options: { env?: NodeJS.ProcessEnv; maxConcurrency?: number } = {}): Agent {
  switch (spec.kind) {
    case 'expert':
      return new ExpertAgent({ strategy: spec.expertVariant, noise: spec.noise ?? 0, seed: spec.seed });
    case 'random':
      return new RandomAgent(spec.seed);
    case 'nothing':
      return new NothingAgent();
    case 'submit':
      return new SubmitAgent();
    case 'give-up':
      return new GiveUpAgent();
    case 'openai': {
      if (!spec.model || !spec.baseUrl) throw new RolloutConfigError('the openai agent needs a model and a base URL');
      return new OpenAIAgent({
        model: spec.model,
        baseURL: spec.baseUrl,
        apiKey: (options.env ?? process.env)[spec.apiKeyEnv ?? 'OPENAI_API_KEY'] ?? 'none',
        temperature: spec.temperature,
        context: parsePolicy(spec.context ?? 'full'),
        selfEvaluate: spec.selfEvaluate,
        sendCandidates: spec.candidates,
        maxConcurrency: options.maxConcurrency,
      });
    }
  }
}

import { OpenAIAgent } from '@workgym/agents';

/** Where a policy answers: an OpenAI-compatible base URL and the model name to ask for. */
export interface PolicyEndpoint {
  baseURL: string;
  model: string;
}

export interface EndpointAgentOptions {
  /** Sampling temperature (0: greedy, for evaluation; 1: on-policy sampling, for RL). */
  temperature: number;
  seed?: number;
  /** Requests in flight at once (default 8). */
  maxConcurrency?: number;
  apiKey?: string;
}

/**
 * The agent that acts with a policy endpoint: the openai agent, sending the candidate actions in
 * `workgym_candidates`, exactly as it would talk to a hosted model.
 */
export function endpointAgent(endpoint: PolicyEndpoint, options: EndpointAgentOptions): OpenAIAgent {
  return new OpenAIAgent({
    model: endpoint.model,
    baseURL: endpoint.baseURL,
    apiKey: options.apiKey ?? 'none',
    temperature: options.temperature,
    seed: options.seed,
    sendCandidates: true,
    maxConcurrency: options.maxConcurrency ?? 8,
    maxRetries: 2,
  });
}

import { PolicyRequestError } from '../errors.js';
import { stateFromChat } from '../learner/chat-state.js';
import type { LinearPolicy } from '../learner/linear-policy.js';
import type { Candidate } from '../learner/policy-state.js';
import { seededRandom, seedOf } from '../learner/rng.js';
import type { CompletionRequest } from './chat-request.js';

/** One of the n answers: the candidate called (none when cut by the length limit) and its log-probabilities. */
export interface PolicyChoice {
  index: number;
  call?: Candidate;
  finishReason: 'tool_calls' | 'length';
  /** The chosen candidate as one pseudo-token and its log-probability, then the most likely alternatives. */
  token: string;
  logprob: number;
  top: { token: string; logprob: number }[];
  completionTokens: number;
}

export const words = (s: string) => (s.match(/\S+/g) ?? []).length;
const token = (c: Candidate) => `${c.name}${c.argumentsJson}`;
const logOf = (p: number) => Math.log(Math.max(p, 1e-12));

/**
 * The policy's n answers to a request: the candidates the request allows (its tools and
 * tool_choice) scored by the policy at the request's temperature, cut to the top_p nucleus, then
 * sampled n times from a generator seeded by the request's seed and messages, so the same request
 * gets the same answers (greedy at temperature 0). Log-probabilities are of that distribution.
 */
export function policyAnswer(policy: LinearPolicy, request: CompletionRequest): { choices: PolicyChoice[]; promptTokens: number } {
  const state = stateFromChat(request.body);
  const allowed = request.allowedTools;
  const candidates = allowed ? state.candidates.filter((c) => allowed.has(c.name)) : state.candidates;
  if (candidates.length === 0) {
    throw new PolicyRequestError(
      `none of the ${state.candidates.length} candidate actions calls a tool the request allows (tools, tool_choice)`,
      'tool_choice',
    );
  }
  const p = nucleus(policy.probabilities(policy.features({ ...state, candidates }), request.temperature), request.topP);
  const ranked = p.map((q, i) => ({ q, i })).sort((a, b) => b.q - a.q || a.i - b.i);
  const random = seededRandom(seedOf(`${request.seed}:${JSON.stringify(request.body.messages)}`));
  const choices = Array.from({ length: request.n }, (_, index): PolicyChoice => {
    const chosen = draw(p, random());
    const call = candidates[chosen]!;
    const completionTokens = 1 + words(call.argumentsJson);
    const cut = request.maxTokens !== undefined && completionTokens > request.maxTokens;
    return {
      index,
      call: cut ? undefined : call,
      finishReason: cut ? 'length' : 'tool_calls',
      token: token(call),
      logprob: logOf(p[chosen]!),
      top: ranked.slice(0, request.topLogprobs).map(({ q, i }) => ({ token: token(candidates[i]!), logprob: logOf(q) })),
      completionTokens: cut ? request.maxTokens! : completionTokens,
    };
  });
  const promptTokens = (request.body.messages ?? []).reduce(
    (n, m) => n + words(typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')),
    0,
  );
  return { choices, promptTokens };
}

/** Nucleus sampling over candidates: the most likely ones whose mass first reaches topP, renormalised. */
function nucleus(p: number[], topP: number): number[] {
  if (topP >= 1) return p;
  const order = p.map((q, i) => ({ q, i })).sort((a, b) => b.q - a.q || a.i - b.i);
  const keep = new Set<number>();
  let mass = 0;
  for (const { q, i } of order) {
    keep.add(i);
    mass += q;
    if (mass >= topP) break;
  }
  return p.map((q, i) => (keep.has(i) ? q / mass : 0));
}

function draw(p: readonly number[], u: number): number {
  let rest = u;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    rest -= p[i]!;
    if (rest <= 0) return i;
  }
  return p.findLastIndex((q) => q > 0);
}

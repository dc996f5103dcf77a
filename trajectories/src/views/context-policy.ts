import { UnknownContextPolicyError } from '../errors.js';

/**
 * How much of the history goes into the prompt: everything, the last `turns` turns, or the last
 * `turns` turns plus a compressed memory line per older turn. Recorded in every trajectory as
 * `agent.context_policy`, so a conversation can be rebuilt exactly as the model was shown it.
 */
export type ContextPolicy = { kind: 'full' } | { kind: 'window'; turns: number } | { kind: 'memory'; turns: number };

export function describePolicy(policy: ContextPolicy): string {
  return policy.kind === 'full' ? 'full' : `${policy.kind}:${policy.turns}`;
}

/** Parses "full", "window:8" or "memory:8"; throws with what is accepted otherwise. */
export function parsePolicy(text: string): ContextPolicy {
  if (text === 'full') return { kind: 'full' };
  const match = /^(window|memory):(\d+)$/.exec(text);
  if (!match || Number(match[2]) < 1) throw new Error(`context policy must be full, window:N or memory:N (N >= 1), not ${JSON.stringify(text)}`);
  return { kind: match[1] as 'window' | 'memory', turns: Number(match[2]) };
}

/**
 * The policy a recorded agent used. Agents that are not models (expert, random, replay: "none",
 * or "" in hand-made records) had no context; their episodes are shown in full.
 */
export function recordedPolicy(text: string | null | undefined): ContextPolicy {
  if (!text || text === 'none') return { kind: 'full' };
  try {
    return parsePolicy(text);
  } catch {
    throw new UnknownContextPolicyError(text);
  }
}

/** The first step shown in full when acting after `taken` steps (the earlier ones are cut or summarised). */
export function firstShownStep(policy: ContextPolicy, taken: number): number {
  return policy.kind === 'full' || taken <= policy.turns ? 0 : taken - policy.turns;
}

import { createHash } from 'node:crypto';
import { endsEpisode } from '@workgym/protocol';
import type { AgentAction, AgentContext } from '../agent.js';

/**
 * A hash of (seed, episode, step): which steps get a call of ours and which candidate, so a rerun
 * of the same episode injects the same.
 */
export function stepDigest(seed: number, context: AgentContext): Buffer {
  return createHash('sha256').update(`${seed}:${context.episodeId}:${context.stepIndex}`).digest();
}

/**
 * A candidate action of the observation put in place of the agent's own call, marked injected;
 * none at a state without candidates. Candidates of the ending tools (`submit`, `answer`) are
 * left out: an injected call must leave a state to go on from, not end the episode for the agent.
 */
export function injectedCall(context: AgentContext, digest: Buffer, idPrefix: string): AgentAction | undefined {
  const candidates = context.observation.candidates.filter((c) => !endsEpisode(c.name));
  if (candidates.length === 0) return undefined;
  const pick = candidates[digest.readUInt32BE(4) % candidates.length]!;
  return { calls: [{ id: `${idPrefix}-${context.stepIndex}`, name: pick.name, argumentsJson: pick.argumentsJson }], injected: true };
}

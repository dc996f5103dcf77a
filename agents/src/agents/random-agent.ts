import { createHash } from 'node:crypto';
import type { Agent, AgentAction, AgentContext } from '../agent.js';

/**
 * Picks uniformly among the observation's candidate actions, for exploration data. The choice is
 * a hash of (seed, episode, step), so a rerun of the same episode makes the same choices.
 */
export class RandomAgent implements Agent {
  readonly info;

  constructor(private readonly seed = 0) {
    this.info = { kind: 'random', model: '', contextPolicy: 'none', sampling: { seed } };
  }

  async act(context: AgentContext): Promise<AgentAction> {
    const candidates = context.observation.candidates;
    if (candidates.length === 0) {
      // With nothing to choose from, end the episode rather than loop on nothing.
      const submit = context.tools.find((t) => t.name === 'submit');
      return { calls: submit ? [{ id: `random-${context.stepIndex}`, name: 'submit', argumentsJson: '{}' }] : [], text: 'no candidate actions' };
    }
    const digest = createHash('sha256').update(`${this.seed}:${context.episodeId}:${context.stepIndex}`).digest();
    const pick = candidates[digest.readUInt32BE(0) % candidates.length]!;
    return { calls: [{ id: `random-${context.stepIndex}`, name: pick.name, argumentsJson: pick.argumentsJson }] };
  }
}

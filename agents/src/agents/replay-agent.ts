import { WorkgymError } from '@workgym/protocol';
import type { EpisodeRecord } from '@workgym/trajectories';
import type { Agent, AgentAction, AgentContext } from '../agent.js';

export class ReplayMissingError extends WorkgymError {
  constructor(episodeId: string) {
    super('WORKGYM_REPLAY_MISSING', `the replayed run has no episode ${episodeId}`);
  }
}

/**
 * Re-runs recorded episodes' actions, step by step, against a fresh env: the verifier then says
 * whether the trajectory still earns its reward (re-verification after an env change).
 */
export class ReplayAgent implements Agent {
  readonly info = { kind: 'replay', model: '', contextPolicy: 'none' };

  /** `lookup` finds the recorded episode an episode id replays. */
  constructor(private readonly lookup: (episodeId: string) => Promise<EpisodeRecord | undefined>) {}

  async act(context: AgentContext): Promise<AgentAction> {
    const record = await this.lookup(context.episodeId);
    if (!record) throw new ReplayMissingError(context.episodeId);
    return recordedAction(record, context.stepIndex) ?? { calls: [], text: 'the recorded episode has no more steps' };
  }
}

/** The calls and text a recorded episode took at `stepIndex`; undefined past its last step. */
export function recordedAction(record: EpisodeRecord, stepIndex: number): AgentAction | undefined {
  const step = record.steps?.[stepIndex];
  if (!step) return undefined;
  return {
    calls: (step.toolCalls ?? []).map((c) => ({ id: c.id ?? '', name: c.name ?? '', argumentsJson: c.argumentsJson ?? '{}' })),
    text: step.text ?? '',
  };
}

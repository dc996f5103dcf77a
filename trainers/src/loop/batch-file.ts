import { writeFile } from 'node:fs/promises';
import { functionTools, openAIMessage, toConversation, type EpisodeRecord } from '@workgym/trajectories';
import { matchCandidate } from '../learner/candidate-match.js';
import { statesFromRecord } from '../learner/policy-state.js';

/**
 * One line of an RL batch file (JSON Lines, one episode per line, in group order). Everything an
 * external trainer needs: the chat as the model saw it (OpenAI format), the tools, the reward,
 * the advantage, and for candidate policies each step's candidates and the chosen index.
 */
export interface BatchLine {
  episode_id: string;
  group_id: string;
  env: string;
  family: string;
  seed: number;
  reward: number;
  success: boolean;
  advantage: number;
  messages: unknown[];
  tools: unknown[];
  decisions: { candidates: { name: string; arguments: string }[]; chosen: number }[];
}

export function batchLine(record: EpisodeRecord, advantage: number): BatchLine {
  const messages = toConversation(record).map(openAIMessage);
  return {
    episode_id: record.episodeId ?? '',
    group_id: record.groupId ?? '',
    env: record.env ?? '',
    family: record.family ?? '',
    seed: Number(record.seed ?? 0),
    reward: record.finalReward ?? 0,
    success: Boolean(record.success),
    advantage,
    messages,
    tools: functionTools(record),
    decisions: statesFromRecord(record).map(({ state, calls }) => ({
      candidates: state.candidates.map((c) => ({ name: c.name, arguments: c.argumentsJson })),
      chosen: calls[0] ? matchCandidate(calls[0], state.candidates) : -1,
    })),
  };
}

/** Writes the batch file; lines sorted by group then episode id, so the same batch gives the same bytes. */
export async function writeBatchFile(path: string, records: readonly EpisodeRecord[], advantages: ReadonlyMap<string, number>): Promise<void> {
  const sorted = [...records].sort((a, b) => (a.groupId ?? '').localeCompare(b.groupId ?? '') || (a.episodeId ?? '').localeCompare(b.episodeId ?? ''));
  await writeFile(path, sorted.map((r) => JSON.stringify(batchLine(r, advantages.get(r.episodeId ?? '') ?? 0))).join('\n') + '\n');
}

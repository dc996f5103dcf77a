import { promptBeforeStep, toConversation } from './conversation.js';
import type { ConversationMessage, ConversationOptions } from './conversation.js';
import type { EpisodeSummary } from '../run/episode-summary.js';
import { UnknownContextPolicyError } from '../errors.js';
import type { EpisodeRecord } from '../record/record.js';
import { byEpisodeId } from './select-episodes.js';
import { taskId } from '../record/task.js';

type AssistantMessage = Extract<ConversationMessage, { role: 'assistant' }>;

export interface PreferencePair {
  taskId: string;
  chosenRecord: EpisodeRecord;
  rejectedRecord: EpisodeRecord;
  /** What both episodes' model was shown before the step where they diverge (its context policy applied). */
  prompt: ConversationMessage[];
  chosen: AssistantMessage;
  rejected: AssistantMessage;
}

export interface PairingReport {
  pairs: number;
  /** Tasks with at least one success and one failure. */
  tasks: number;
  /** Candidate pairs dropped, by reason. */
  skipped: Record<string, number>;
}

/** Failures worth learning from: the agent's own doing, not infrastructure. */
const REJECTABLE = new Set(['failure', 'truncated']);

/**
 * Preference pairs from episodes of the same task: each failed episode is paired with a
 * successful one (round robin, by episode id; extra successes take failures again), and the
 * pair is cut at the first turn where the two conversations differ. That turn must be an
 * assistant turn in both (else the env, not the agent, made the difference and the pair is
 * dropped). The prompt is what the model was shown before that step, so under window:N or
 * memory:N it is that step's view; episodes whose agents used different context policies saw
 * different prompts and are not paired. A chosen turn is never one injected as noise (`rollout
 * --noise`): such a pair is dropped. Identical pairs are kept once.
 */
export async function buildPreferencePairs(
  summaries: readonly EpisodeSummary[],
  /** Reads an episode; undefined leaves it out (e.g. a damaged record the caller skips). */
  load: (summary: EpisodeSummary) => Promise<EpisodeRecord | undefined>,
  options: ConversationOptions = {},
): Promise<{ pairs: PreferencePair[]; report: PairingReport }> {
  const byTask = new Map<string, { good: EpisodeSummary[]; bad: EpisodeSummary[] }>();
  for (const s of summaries) {
    const side = s.success ? 'good' : REJECTABLE.has(s.status) ? 'bad' : undefined;
    if (!side) continue;
    const key = taskId(s);
    const entry = byTask.get(key) ?? { good: [], bad: [] };
    entry[side].push(s);
    byTask.set(key, entry);
  }
  const report: PairingReport = { pairs: 0, tasks: 0, skipped: {} };
  const skip = (reason: string) => (report.skipped[reason] = (report.skipped[reason] ?? 0) + 1);
  const pairs: PreferencePair[] = [];
  const seen = new Set<string>();
  for (const key of [...byTask.keys()].sort()) {
    const { good, bad } = byTask.get(key)!;
    if (good.length === 0 || bad.length === 0) continue;
    report.tasks++;
    good.sort(byEpisodeId);
    bad.sort(byEpisodeId);
    const cache = new Map<EpisodeSummary, Promise<{ record: EpisodeRecord; chat: ConversationMessage[] } | undefined>>();
    const get = (s: EpisodeSummary) => {
      let entry = cache.get(s);
      if (!entry) {
        entry = load(s).then((record) => record && { record, chat: toConversation(record, options) });
        cache.set(s, entry);
      }
      return entry;
    };
    for (let k = 0; k < Math.max(good.length, bad.length); k++) {
      const a = await get(good[k % good.length]!);
      const b = await get(bad[k % bad.length]!);
      if (!a || !b) continue;
      if ((a.record.agent?.contextPolicy ?? '') !== (b.record.agent?.contextPolicy ?? '')) {
        skip('the episodes were shown different contexts (context policies differ)');
        continue;
      }
      const at = firstDifference(a.chat, b.chat);
      const chosen = a.chat[at];
      const rejected = b.chat[at];
      if (chosen?.role !== 'assistant' || rejected?.role !== 'assistant') {
        skip(at >= Math.min(a.chat.length, b.chat.length) ? 'one episode is a prefix of the other' : 'diverged at an env turn');
        continue;
      }
      if (chosen.injected) {
        skip('the successful episode diverged at a step injected as noise (never a chosen side)');
        continue;
      }
      const identity = JSON.stringify([a.chat.slice(0, at + 1), rejected]);
      if (seen.has(identity)) {
        skip('duplicate pair');
        continue;
      }
      seen.add(identity);
      let prompt: ConversationMessage[];
      try {
        prompt = promptBeforeStep(a.record, chosen.step, options);
      } catch (error) {
        if (!(error instanceof UnknownContextPolicyError)) throw error;
        skip('unknown context policy (what the model was shown cannot be rebuilt)');
        continue;
      }
      pairs.push({ taskId: key, chosenRecord: a.record, rejectedRecord: b.record, prompt, chosen, rejected });
    }
  }
  report.pairs = pairs.length;
  return { pairs, report };
}

function firstDifference(a: ConversationMessage[], b: ConversationMessage[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!sameTurn(a[i]!, b[i]!)) return i;
  return n;
}

function sameTurn(a: ConversationMessage, b: ConversationMessage): boolean {
  if (a.role !== b.role) return false;
  if (a.role === 'assistant' && b.role === 'assistant') {
    return (
      a.content === b.content &&
      a.toolCalls.length === b.toolCalls.length &&
      a.toolCalls.every((c, i) => c.name === b.toolCalls[i]!.name && c.argumentsJson === b.toolCalls[i]!.argumentsJson)
    );
  }
  // Call ids are the agent's to choose and differ between episodes; the results matter.
  if (a.role === 'tool' && b.role === 'tool') return a.name === b.name && a.content === b.content;
  return a.content === (b as { content: string }).content;
}

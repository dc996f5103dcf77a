import { recordedPolicy } from '../views/context-policy.js';
import { parseObject, targetConversations, toConversation } from '../views/conversation.js';
import type { ConversationMessage, ConversationOptions } from '../views/conversation.js';
import type { EpisodeRecord } from '../record/record.js';
import { ArgumentsNotObject } from './arguments-not-object.js';

/** What LLaMA-Factory's sharegpt format cannot say, counted over an export. */
export interface ShareGptLimits {
  /** Steps with more than one tool call: written as consecutive function_call/observation pairs. */
  parallelCalls: { steps: number; episodes: number };
  /** Steps with text and tool calls: the text is dropped, the calls kept. */
  textWithToolCalls: { steps: number; episodes: number };
  /** Tool results after the last call: dropped (a sharegpt conversation ends with the model). */
  trailingObservations: { episodes: number };
  /** Observations shown after a tool result (they differed from it): joined to that observation turn. */
  joinedObservations: { steps: number; episodes: number };
  /** Episodes acted on with window:N or memory:N context: one row per step, as each step was shown. */
  rowPerStep: { episodes: number };
  /** Episodes with steps injected as noise, which sharegpt cannot weight: one row per learnt step. */
  injectedSteps: { steps: number; episodes: number };
}

export function emptyShareGptLimits(): ShareGptLimits {
  return {
    parallelCalls: { steps: 0, episodes: 0 },
    textWithToolCalls: { steps: 0, episodes: 0 },
    trailingObservations: { episodes: 0 },
    joinedObservations: { steps: 0, episodes: 0 },
    rowPerStep: { episodes: 0 },
    injectedSteps: { steps: 0, episodes: 0 },
  };
}

type Turn = { from: 'human' | 'gpt' | 'function_call' | 'observation'; value: string };

/**
 * LLaMA-Factory sharegpt with tools: `{conversations, system, tools}` where turns alternate
 * human|observation and gpt|function_call, a function_call's value is
 * `{"name": ..., "arguments": {...}}` as JSON text and `tools` is the tool list as JSON text.
 * One row per training conversation of the episode. Counts what it had to change in `limits`.
 */
export function shareGptRows(record: EpisodeRecord, limits: ShareGptLimits, options: ConversationOptions = {}): object[] {
  const examples = targetConversations(record, options);
  const tools = JSON.stringify(
    (record.tools ?? []).map((t) => ({
      name: t.name ?? '',
      description: t.description ?? '',
      parameters: parseObject(t.parametersJson) ?? { type: 'object' },
    })),
  );
  const perStep = examples.some((e) => e.step !== undefined);
  let counts = noCounts();
  const rows = examples.map(({ messages }) => {
    const { turns, system } = shareGptTurns(messages, counts);
    return { conversations: turns, system, tools };
  });
  if (perStep) {
    // Per-step rows repeat earlier turns as context: count what was reshaped once, over the episode.
    counts = noCounts();
    shareGptTurns(toConversation(record, options), counts);
    if (recordedPolicy(record.agent?.contextPolicy).kind !== 'full') limits.rowPerStep.episodes++;
  }
  const injected = (record.steps ?? []).filter((s) => s.injected).length;
  if (injected > 0) {
    limits.injectedSteps.steps += injected;
    limits.injectedSteps.episodes++;
  }
  limits.parallelCalls.steps += counts.parallel;
  limits.parallelCalls.episodes += Number(counts.parallel > 0);
  limits.textWithToolCalls.steps += counts.mixed;
  limits.textWithToolCalls.episodes += Number(counts.mixed > 0);
  limits.joinedObservations.steps += counts.joined;
  limits.joinedObservations.episodes += Number(counts.joined > 0);
  limits.trailingObservations.episodes += Number(counts.trimmed);
  return rows;
}

type Counts = { parallel: number; mixed: number; joined: number; trimmed: boolean };
const noCounts = (): Counts => ({ parallel: 0, mixed: 0, joined: 0, trimmed: false });

function shareGptTurns(conversation: readonly ConversationMessage[], counts: Counts): { turns: Turn[]; system: string } {
  const turns: Turn[] = [];
  let system = '';
  // sharegpt alternates sides: a human turn after a human or observation turn joins it.
  const pushHuman = (value: string) => {
    const last = turns.at(-1);
    if (last && (last.from === 'human' || last.from === 'observation')) {
      if (last.from === 'observation') counts.joined++;
      last.value = last.value && value ? `${last.value}\n\n${value}` : last.value || value;
    } else turns.push({ from: 'human', value });
  };
  for (let i = 0; i < conversation.length; i++) {
    const m = conversation[i]!;
    if (m.role === 'system') system = m.content;
    else if (m.role === 'user') pushHuman(m.content);
    else if (m.role === 'assistant') {
      if (m.toolCalls.length === 0) {
        turns.push({ from: 'gpt', value: m.content });
        continue;
      }
      if (m.toolCalls.length > 1) counts.parallel++;
      if (m.content) counts.mixed++;
      // The tool messages of this turn follow it; pair each call with its own result.
      for (const call of m.toolCalls) {
        const args = parseObject(call.argumentsJson);
        if (!args) throw new ArgumentsNotObject(call.argumentsJson);
        turns.push({ from: 'function_call', value: JSON.stringify({ name: call.name, arguments: args }) });
        const result = conversation[i + 1];
        if (result?.role === 'tool') {
          turns.push({ from: 'observation', value: result.content });
          i++;
        } else turns.push({ from: 'observation', value: '' });
      }
    }
  }
  while (turns.length > 0 && (turns.at(-1)!.from === 'observation' || turns.at(-1)!.from === 'human')) {
    turns.pop();
    counts.trimmed = true;
  }
  return { turns, system };
}

/** The dataset_info.json entry LLaMA-Factory needs for a file written by shareGptRow. */
export function shareGptDatasetInfo(fileName: string): object {
  return {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'conversations', system: 'system', tools: 'tools' },
    tags: {
      role_tag: 'from',
      content_tag: 'value',
      user_tag: 'human',
      assistant_tag: 'gpt',
      observation_tag: 'observation',
      function_tag: 'function_call',
    },
  };
}

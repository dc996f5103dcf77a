import { parseObject, toConversation } from '../conversation.js';
import type { EpisodeRecord } from '../record.js';
import { ArgumentsNotObject } from './arguments-not-object.js';

/** What LLaMA-Factory's sharegpt format cannot say, counted over an export. */
export interface ShareGptLimits {
  /** Steps with more than one tool call: written as consecutive function_call/observation pairs. */
  parallelCalls: { steps: number; episodes: number };
  /** Steps with text and tool calls: the text is dropped, the calls kept. */
  textWithToolCalls: { steps: number; episodes: number };
  /** Tool results after the last call: dropped (a sharegpt conversation ends with the model). */
  trailingObservations: { episodes: number };
}

export function emptyShareGptLimits(): ShareGptLimits {
  return {
    parallelCalls: { steps: 0, episodes: 0 },
    textWithToolCalls: { steps: 0, episodes: 0 },
    trailingObservations: { episodes: 0 },
  };
}

type Turn = { from: 'human' | 'gpt' | 'function_call' | 'observation'; value: string };

/**
 * LLaMA-Factory sharegpt with tools: `{conversations, system, tools}` where turns alternate
 * human|observation and gpt|function_call, a function_call's value is
 * `{"name": ..., "arguments": {...}}` as JSON text and `tools` is the tool list as JSON text.
 * Counts what it had to change in `limits`.
 */
export function shareGptRow(record: EpisodeRecord, limits: ShareGptLimits): object {
  const conversation = toConversation(record);
  const turns: Turn[] = [];
  let system = '';
  let parallel = 0;
  let mixed = 0;
  for (let i = 0; i < conversation.length; i++) {
    const m = conversation[i]!;
    if (m.role === 'system') system = m.content;
    else if (m.role === 'user') turns.push({ from: 'human', value: m.content });
    else if (m.role === 'assistant') {
      if (m.toolCalls.length === 0) {
        turns.push({ from: 'gpt', value: m.content });
        continue;
      }
      if (m.toolCalls.length > 1) parallel++;
      if (m.content) mixed++;
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
  let trimmed = false;
  while (turns.length > 0 && (turns.at(-1)!.from === 'observation' || turns.at(-1)!.from === 'human')) {
    turns.pop();
    trimmed = true;
  }
  limits.parallelCalls.steps += parallel;
  limits.parallelCalls.episodes += Number(parallel > 0);
  limits.textWithToolCalls.steps += mixed;
  limits.textWithToolCalls.episodes += Number(mixed > 0);
  limits.trailingObservations.episodes += Number(trimmed);
  return {
    conversations: turns,
    system,
    tools: JSON.stringify(
      (record.tools ?? []).map((t) => ({
        name: t.name ?? '',
        description: t.description ?? '',
        parameters: parseObject(t.parametersJson) ?? { type: 'object' },
      })),
    ),
  };
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

import type { ConversationMessage } from '../conversation.js';
import { functionTools, parseObject, toConversation } from '../conversation.js';
import { ArgumentsNotObject } from './arguments-not-object.js';
import type { PreferencePair } from '../preference-pairs.js';
import type { EpisodeRecord } from '../record.js';

export interface OpenAIChatOptions {
  /** Weight of assistant turns whose calls were invalid (default 0: do not learn them). */
  invalidStepWeight?: 0 | 1;
}

/**
 * OpenAI fine-tuning chat format: `{messages, tools}` with assistant `tool_calls`
 * (arguments as JSON text) and a `weight` (0 or 1) on every assistant message.
 */
export function openAIChatRow(record: EpisodeRecord, options: OpenAIChatOptions = {}): object {
  const weightInvalid = options.invalidStepWeight ?? 0;
  return {
    messages: toConversation(record).map((m) => openAIMessage(m, m.role === 'assistant' && m.invalid ? weightInvalid : 1)),
    tools: functionTools(record),
  };
}

/** OpenAI DPO format: `{input: {messages, tools}, preferred_output, non_preferred_output}`. */
export function openAIPreferenceRow(pair: PreferencePair): object {
  return {
    input: { messages: pair.prompt.map((m) => openAIMessage(m)), tools: functionTools(pair.chosenRecord) },
    preferred_output: [openAIMessage(pair.chosen)],
    non_preferred_output: [openAIMessage(pair.rejected)],
  };
}

function openAIMessage(m: ConversationMessage, weight?: 0 | 1): object {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    case 'assistant': {
      const out: Record<string, unknown> = { role: 'assistant', content: m.content || (m.toolCalls.length ? null : '') };
      if (m.toolCalls.length) {
        out.tool_calls = m.toolCalls.map((c) => {
          // Fine-tuning rejects arguments that are not a JSON object; leave such episodes out.
          if (!parseObject(c.argumentsJson)) throw new ArgumentsNotObject(c.argumentsJson);
          return { id: c.id, type: 'function', function: { name: c.name, arguments: c.argumentsJson } };
        });
      }
      if (weight !== undefined) out.weight = weight;
      return out;
    }
  }
}

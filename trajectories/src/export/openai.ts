import type { ConversationMessage, ConversationOptions } from '../views/conversation.js';
import { functionTools, parseObject, trainingConversations } from '../views/conversation.js';
import { ArgumentsNotObject } from './arguments-not-object.js';
import type { PreferencePair } from '../views/preference-pairs.js';
import type { EpisodeRecord } from '../record/record.js';

export type OpenAIChatOptions = ConversationOptions;

/** A chat-completions message as the API takes it (the openai agent sends these). */
export type OpenAIChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'tool'; tool_call_id: string; content: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    };

/** One conversation message in the chat-completions shape; tool-call arguments stay as the model wrote them. */
export function openAIMessage(m: ConversationMessage): OpenAIChatMessage {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    case 'assistant': {
      if (!m.toolCalls.length) return { role: 'assistant', content: m.content };
      return {
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.argumentsJson } })),
      };
    }
  }
}

/**
 * OpenAI fine-tuning chat format: `{messages, tools}` with assistant `tool_calls`
 * (arguments as JSON text) and a `weight` (0 or 1) on every assistant message; one row per
 * training conversation of the episode (one, or one per step under window:N / memory:N).
 */
export function openAIChatRows(record: EpisodeRecord, options: OpenAIChatOptions = {}): object[] {
  const tools = functionTools(record);
  return trainingConversations(record, options).map((example) => ({ messages: example.messages.map(fineTuningMessage), tools }));
}

/** OpenAI DPO format: `{input: {messages, tools}, preferred_output, non_preferred_output}`. */
export function openAIPreferenceRow(pair: PreferencePair): object {
  const plain = (m: ConversationMessage) => {
    checkArguments(m);
    return openAIMessage(m);
  };
  return {
    input: { messages: pair.prompt.map(plain), tools: functionTools(pair.chosenRecord) },
    preferred_output: [plain(pair.chosen)],
    non_preferred_output: [plain(pair.rejected)],
  };
}

function fineTuningMessage(m: ConversationMessage): object {
  checkArguments(m);
  return m.role === 'assistant' ? { ...openAIMessage(m), weight: m.weight } : openAIMessage(m);
}

/** Fine-tuning rejects arguments that are not a JSON object; such episodes are left out. */
function checkArguments(m: ConversationMessage): void {
  if (m.role !== 'assistant') return;
  for (const c of m.toolCalls) if (!parseObject(c.argumentsJson)) throw new ArgumentsNotObject(c.argumentsJson);
}

import type { ConversationMessage } from '../conversation.js';
import { functionTools, parseObject, toConversation } from '../conversation.js';
import type { PreferencePair } from '../preference-pairs.js';
import type { EpisodeRecord } from '../record.js';
import { ArgumentsNotObject } from './arguments-not-object.js';

/**
 * TRL conversational format (what `apply_chat_template` takes): `{messages, tools}`; tool
 * call arguments are objects, as chat templates expect.
 */
export function trlChatRow(record: EpisodeRecord): object {
  return { messages: toConversation(record).map(trlMessage), tools: functionTools(record) };
}

/** TRL conversational preference format: `{prompt, chosen, rejected, tools}`. */
export function trlPreferenceRow(pair: PreferencePair): object {
  return {
    prompt: pair.prompt.map(trlMessage),
    chosen: [trlMessage(pair.chosen)],
    rejected: [trlMessage(pair.rejected)],
    tools: functionTools(pair.chosenRecord),
  };
}

function trlMessage(m: ConversationMessage): object {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'tool':
      return { role: 'tool', name: m.name, tool_call_id: m.toolCallId, content: m.content };
    case 'assistant': {
      const out: Record<string, unknown> = { role: 'assistant', content: m.content };
      if (m.toolCalls.length) {
        out.tool_calls = m.toolCalls.map((c) => {
          const args = parseObject(c.argumentsJson);
          if (!args) throw new ArgumentsNotObject(c.argumentsJson);
          return { id: c.id, type: 'function', function: { name: c.name, arguments: args } };
        });
      }
      return out;
    }
  }
}

import type { ConversationMessage, ConversationOptions } from '../views/conversation.js';
import { functionTools, parseObject, targetConversations } from '../views/conversation.js';
import type { PreferencePair } from '../views/preference-pairs.js';
import type { EpisodeRecord } from '../record/record.js';
import { ArgumentsNotObject } from './arguments-not-object.js';

/**
 * TRL conversational format (what `apply_chat_template` takes); tool call arguments are objects,
 * as chat templates expect. An episode shown in full is one `{messages, tools}` row. Under
 * window:N / memory:N each step is a row of its own in TRL's conversational prompt-completion
 * form, `{prompt, completion: [the step's assistant turn], tools}`, so only that turn is learned
 * and the earlier turns of the view stay context. TRL cannot weight turns, so an episode with steps
 * injected as noise is written in that form too, one row per learnt step: an injected turn is only
 * ever prompt.
 */
export function trlChatRows(record: EpisodeRecord, options: ConversationOptions = {}): object[] {
  const tools = functionTools(record);
  return targetConversations(record, options).map(({ messages, step }) => {
    if (step === undefined) return { messages: messages.map(trlMessage), tools };
    const target = messages.findIndex((m) => m.role === 'assistant' && m.step === step);
    return { prompt: messages.slice(0, target).map(trlMessage), completion: [trlMessage(messages[target]!)], tools };
  });
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

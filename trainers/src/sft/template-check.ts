import { TemplateCheckError } from '../errors.js';
import type { ChatTemplate, TemplateMessage } from './chat-template.js';
import { renderSegments, tokenizeSegments } from './render-sft.js';
import type { TextTokenizer } from './tokenizer.js';

export interface TemplateCheckReport {
  template: string;
  templateSha256: string;
  tokenizer: string;
  /** Appending a turn never re-renders earlier turns (so per-turn masks are right). */
  prefixStable: boolean;
  /** Every assistant turn has trained tokens, and they hold its tool calls. */
  masksNonEmpty: boolean;
  /** decode(ids) gives the rendered text back, and encode(that text) gives the same ids. */
  roundTrip: boolean;
  problems: string[];
  ok: boolean;
}

/** A conversation with the shapes that break templates: system prompt, tool calls, consecutive tool results, a final text reply. */
export const SAMPLE_CONVERSATION: TemplateMessage[] = [
  { role: 'system', content: 'You are an agent. Use the tools.' },
  { role: 'user', content: 'Bring the counter from 3 to 5, then submit.\n\ncounter = 3' },
  {
    role: 'assistant',
    content: '',
    tool_calls: [
      { id: 'c1', type: 'function', function: { name: 'add', arguments: '{"amount": 1}' } },
      { id: 'c2', type: 'function', function: { name: 'add', arguments: '{"amount": 1}' } },
    ],
  },
  { role: 'tool', content: 'counter = 4', tool_call_id: 'c1' },
  { role: 'tool', content: 'counter = 5', tool_call_id: 'c2' },
  { role: 'assistant', content: 'Done adding.', tool_calls: [{ id: 'c3', type: 'function', function: { name: 'submit', arguments: '{}' } }] },
  { role: 'tool', content: 'submitted', tool_call_id: 'c3' },
  { role: 'assistant', content: 'The counter is at 5.' },
];

export const SAMPLE_TOOLS = [
  {
    type: 'function',
    function: {
      name: 'add',
      description: 'Add to the counter.',
      parameters: { type: 'object', properties: { amount: { type: 'integer' } }, required: ['amount'] },
    },
  },
  { type: 'function', function: { name: 'submit', description: 'End the episode.', parameters: { type: 'object' } } },
];

/** Checks a template with a tokenizer on a conversation (default SAMPLE_CONVERSATION); never throws for a bad template. */
export function checkTemplate(
  template: ChatTemplate,
  tokenizer: TextTokenizer,
  messages: readonly TemplateMessage[] = SAMPLE_CONVERSATION,
  tools: unknown[] = SAMPLE_TOOLS,
): TemplateCheckReport {
  const problems: string[] = [];
  let prefixStable = true;
  let masksNonEmpty = true;
  let roundTrip = true;
  let previous = '';
  for (let n = 1; n <= messages.length; n++) {
    let text: string;
    try {
      text = template.render(messages.slice(0, n), { tools, bosToken: tokenizer.bosToken });
    } catch (error) {
      problems.push(`render of the first ${n} messages failed: ${(error as Error).message}`);
      prefixStable = false;
      break;
    }
    if (!text.startsWith(previous)) {
      prefixStable = false;
      const at = [...previous].findIndex((ch, i) => text[i] !== ch);
      problems.push(
        `prefix: appending message ${n - 1} (${messages[n - 1]!.role}) re-rendered earlier text from character ${at}: ${JSON.stringify(previous.slice(at, at + 40))} became ${JSON.stringify(text.slice(at, at + 40))}`,
      );
    }
    previous = text;
  }
  if (prefixStable) {
    try {
      const segments = renderSegments(template, messages, tokenizer, { tools });
      const example = tokenizeSegments('check', segments, tokenizer, messages.length);
      messages.forEach((m, i) => {
        if (m.role !== 'assistant') return;
        const trained = segments
          .filter((s) => s.message === i && s.trainable)
          .map((s) => s.text)
          .join('');
        const tokens = tokenizer.encode(trained).length;
        if (tokens === 0) {
          masksNonEmpty = false;
          problems.push(`mask: assistant message ${i} has no trained tokens`);
        }
        for (const call of m.tool_calls ?? []) {
          if (!trained.includes(call.function.name)) {
            masksNonEmpty = false;
            problems.push(`mask: the trained tokens of assistant message ${i} do not contain its call to ${call.function.name}`);
          }
        }
        if (m.content && !trained.includes(m.content)) {
          masksNonEmpty = false;
          problems.push(`mask: the trained tokens of assistant message ${i} do not contain its text`);
        }
      });
      if (!example.lossMask.includes(1)) {
        masksNonEmpty = false;
        problems.push('mask: no token is trained on');
      }
      const text = segments.map((s) => s.text).join('');
      const decoded = tokenizer.decode(example.inputIds);
      if (decoded !== text) {
        roundTrip = false;
        problems.push('round trip: decoding the ids does not give the rendered text back');
      }
      const again = tokenizer.encode(decoded);
      if (again.length !== example.inputIds.length || again.some((id, i) => id !== example.inputIds[i])) {
        roundTrip = false;
        problems.push(
          `round trip: encoding the decoded text gives other ids (${again.length} vs ${example.inputIds.length} tokens): a segment boundary splits a token`,
        );
      }
    } catch (error) {
      if (!(error instanceof TemplateCheckError)) throw error;
      prefixStable = false;
      problems.push(...error.problems);
    }
  } else {
    masksNonEmpty = false;
    roundTrip = false;
    problems.push('mask and round trip: not checked, because masks cannot be computed from an unstable template');
  }
  return {
    template: template.name,
    templateSha256: template.sha256,
    tokenizer: tokenizer.name,
    prefixStable,
    masksNonEmpty,
    roundTrip,
    problems,
    ok: problems.length === 0,
  };
}

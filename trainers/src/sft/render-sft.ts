import { functionTools, trainingConversations, type ConversationMessage, type ConversationOptions, type EpisodeRecord } from '@workgym/trajectories';
import { TemplateCheckError } from '../errors.js';
import type { ChatTemplate, TemplateMessage } from './chat-template.js';
import type { TextTokenizer } from './tokenizer.js';

/** A piece of the rendered text: who wrote it and whether its tokens are trained on. */
export interface Segment {
  text: string;
  /** Index of the message it belongs to (the generation prompt of an assistant turn belongs to it but is not trained). */
  message: number;
  trainable: boolean;
  weight: number;
}

/** One conversation as token ids with a per-token loss mask and weight. */
export interface TokenizedExample {
  id: string;
  inputIds: number[];
  /** 1 on assistant tokens (content, tool calls, end-of-turn token), 0 on everything else. */
  lossMask: number[];
  /** Per-token weight: the message's weight on trained tokens, 0 elsewhere. */
  weights: number[];
  /** Weight per message, in message order (0 for non-assistant messages). */
  messageWeights: number[];
}

export interface RenderOptions {
  tools?: unknown[];
  /** Weight of an assistant message (default 1). */
  weightOf?: (message: TemplateMessage, index: number) => number;
  /** false for an assistant message that is only context (a step injected as noise): its tokens get loss mask 0. Default true. */
  targetOf?: (message: TemplateMessage, index: number) => boolean;
}

const prefixError = (template: ChatTemplate, i: number, what: string) =>
  new TemplateCheckError(`template ${template.name} is not prefix-stable: ${what} at message ${i}; masks made by diffing renders would be wrong`, [
    `prefix: ${what} at message ${i}`,
  ]);

/**
 * Renders a conversation into segments by rendering growing prefixes: message i's text is
 * render(messages[..i]) minus render(messages[..i-1]); an assistant message is split into its
 * generation prompt (not trained) and its reply (trained). Throws when a later render does not
 * start with an earlier one (a template that rewrites earlier turns).
 */
export function renderSegments(template: ChatTemplate, messages: readonly TemplateMessage[], tokenizer: TextTokenizer, options: RenderOptions = {}): Segment[] {
  const render = (n: number, gen = false) =>
    n === 0 && !gen ? '' : template.render(messages.slice(0, n), { tools: options.tools, addGenerationPrompt: gen, bosToken: tokenizer.bosToken });
  const segments: Segment[] = [];
  let before = '';
  messages.forEach((message, i) => {
    const full = render(i + 1);
    if (!full.startsWith(before)) throw prefixError(template, i, 'appending this message re-rendered the text before it');
    if (message.role === 'assistant') {
      const prompt = render(i, true);
      if (!prompt.startsWith(before) || !full.startsWith(prompt)) throw prefixError(template, i, 'the generation prompt is not a prefix of the reply');
      segments.push({ text: prompt.slice(before.length), message: i, trainable: false, weight: 0 });
      const target = options.targetOf?.(message, i) ?? true;
      segments.push({ text: full.slice(prompt.length), message: i, trainable: target, weight: target ? (options.weightOf?.(message, i) ?? 1) : 0 });
    } else {
      segments.push({ text: full.slice(before.length), message: i, trainable: false, weight: 0 });
    }
    before = full;
  });
  return segments.filter((s) => s.text.length > 0);
}

/** Tokenises segment by segment, so every token belongs to exactly one segment. */
export function tokenizeSegments(id: string, segments: readonly Segment[], tokenizer: TextTokenizer, messageCount: number): TokenizedExample {
  const inputIds: number[] = [];
  const lossMask: number[] = [];
  const weights: number[] = [];
  const messageWeights = new Array<number>(messageCount).fill(0);
  for (const s of segments) {
    const ids = tokenizer.encode(s.text);
    inputIds.push(...ids);
    for (let k = 0; k < ids.length; k++) {
      lossMask.push(s.trainable ? 1 : 0);
      weights.push(s.trainable ? s.weight : 0);
    }
    if (s.trainable) messageWeights[s.message] = s.weight;
  }
  return { id, inputIds, lossMask, weights, messageWeights };
}

/** One training conversation as a template renders it, with each message's weight (0 unless an assistant turn to learn). */
export interface TemplateExample {
  id: string;
  messages: TemplateMessage[];
  weights: number[];
  /** Per message: false for an assistant turn that is context only (injected as noise), never masked in. */
  targets: boolean[];
}

/**
 * An episode as the conversations a template renders: the trajectories package's training
 * conversations (what the model was shown, one per episode or one per step under window:N /
 * memory:N), so token-level data holds exactly what every export holds. Steps injected as noise
 * are context: in the text, never in the loss mask.
 */
export function recordExamples(record: EpisodeRecord, options: ConversationOptions = {}): { examples: TemplateExample[]; tools: unknown[] } {
  const examples = trainingConversations(record, options).map(({ id, messages }) => ({
    id,
    messages: messages.map(templateMessage),
    weights: messages.map((m) => (m.role === 'assistant' ? m.weight : 0)),
    targets: messages.map((m) => m.role === 'assistant' && !m.injected),
  }));
  return { examples, tools: functionTools(record) };
}

function templateMessage(m: ConversationMessage): TemplateMessage {
  if (m.role === 'assistant') {
    return {
      role: 'assistant',
      content: m.content,
      tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.argumentsJson } })),
    };
  }
  if (m.role === 'tool') return { role: 'tool', content: m.content, tool_call_id: m.toolCallId };
  return { role: m.role, content: m.content };
}

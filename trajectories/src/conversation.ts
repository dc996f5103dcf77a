import type { EpisodeRecord } from './record.js';

export interface ConversationToolCall {
  id: string;
  name: string;
  argumentsJson: string;
}

export type ConversationMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | {
      role: 'assistant';
      content: string;
      toolCalls: ConversationToolCall[];
      /** The step this turn is. */
      step: number;
      /** A call of this step was invalid (the step has an error kind). */
      invalid: boolean;
    }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

/**
 * The one way an episode is rendered as a chat, which every exporter then spells in its
 * format:
 *
 * - system: the agent's system prompt, when it has one;
 * - user: the instruction, a blank line, the first observation's text;
 * - per step: an assistant turn (its text and tool calls), then one tool message per call
 *   (the call's result text, or `error (<kind>): <message>` when it failed without text);
 * - the next step's observation text goes after the last tool message of the step, separated
 *   by a blank line (a user message, possibly empty, when the step made no calls), so every
 *   format can hold it.
 *
 * Calls without ids get `call_<step>_<n>`.
 */
export function toConversation(record: EpisodeRecord): ConversationMessage[] {
  const messages: ConversationMessage[] = [];
  const system = record.agent?.systemPrompt ?? '';
  if (system) messages.push({ role: 'system', content: system });
  const steps = record.steps ?? [];
  messages.push({ role: 'user', content: joinText(record.instruction ?? '', steps[0]?.observation?.text ?? '') });
  const usedIds = new Set<string>();
  steps.forEach((step, i) => {
    const calls = (step.toolCalls ?? []).map((call, k) => {
      let id = call.id || `call_${i}_${k}`;
      while (usedIds.has(id)) id = `${id}_`;
      usedIds.add(id);
      return { id, name: call.name ?? '', argumentsJson: call.argumentsJson || '{}', original: call.id ?? '' };
    });
    messages.push({
      role: 'assistant',
      content: step.text ?? '',
      toolCalls: calls.map(({ id, name, argumentsJson }) => ({ id, name, argumentsJson })),
      step: i,
      invalid: Boolean(step.errorKind),
    });
    const results = step.results ?? [];
    // A result belongs to the call with its id; calls without ids take the remaining results
    // in order.
    const claimed = new Set(results.filter((r) => r.callId && calls.some((c) => c.original === r.callId)));
    const unclaimed = results.filter((r) => !claimed.has(r));
    const tools: ConversationMessage[] = calls.map((call) => {
      const result = call.original ? results.find((r) => r.callId === call.original) : unclaimed.shift();
      const text = result?.text || (result?.errorKind ? `error (${result.errorKind}): ${result.errorMessage ?? ''}` : '');
      return { role: 'tool', toolCallId: call.id, name: call.name, content: text };
    });
    messages.push(...tools);
    if (i + 1 >= steps.length) return;
    const next = steps[i + 1]!.observation?.text ?? '';
    const last = tools.at(-1);
    if (last && last.role === 'tool') last.content = joinText(last.content, next);
    // Even when empty: two model turns in a row would break formats that alternate roles.
    else messages.push({ role: 'user', content: next });
  });
  return messages;
}

function joinText(a: string, b: string): string {
  return a && b ? `${a}\n\n${b}` : a || b;
}

/** The record's tools as OpenAI/TRL function tools (`parameters` parsed to an object). */
export function functionTools(record: EpisodeRecord): { type: 'function'; function: { name: string; description: string; parameters: object } }[] {
  return (record.tools ?? []).map((tool) => ({
    type: 'function',
    function: { name: tool.name ?? '', description: tool.description ?? '', parameters: parseObject(tool.parametersJson) ?? { type: 'object' } },
  }));
}

/** JSON text to an object; undefined when it is not a JSON object. */
export function parseObject(json: string | null | undefined): Record<string, unknown> | undefined {
  if (!json) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

import { firstShownStep, recordedPolicy, type ContextPolicy } from './context-policy.js';
import type { EpisodeRecord } from '../record/record.js';

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
      /** The calls are noise put in place of the expert's (`rollout --noise`): context, never a target. */
      injected: boolean;
      /**
       * How much a training example learns this turn: 0 for an injected step, for an invalid
       * step (unless asked otherwise) and for a turn that is only context in the example, else 1.
       */
      weight: 0 | 1;
    }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

type AssistantMessage = Extract<ConversationMessage, { role: 'assistant' }>;
type ToolMessage = Extract<ConversationMessage, { role: 'tool' }>;

/** One step as the model took it and the env answered it: what a live agent and a record both hold. */
export interface ConversationStep {
  /** The observation text the step was taken in. */
  observation: string;
  /** Assistant text that came with (or instead of) the calls. */
  text?: string | null;
  toolCalls: readonly { id?: string | null; name?: string | null; argumentsJson?: string | null }[];
  /** One per applied call, in order (the env's `ToolResult`s). */
  results: readonly { callId?: string | null; text?: string | null; errorKind?: string | null; errorMessage?: string | null }[];
  /** The first error kind of the step ("" when every call was valid). */
  errorKind?: string | null;
  /** The calls are noise put in place of the expert's: shown as context, never learnt. */
  injected?: boolean | null;
}

/** An episode so far: everything the conversation is made of. */
export interface ConversationSource {
  systemPrompt: string;
  instruction: string;
  steps: readonly ConversationStep[];
  policy: ContextPolicy;
}

export interface ConversationOptions {
  /** Weight of assistant turns whose calls were invalid (default 0: do not learn them). */
  invalidStepWeight?: 0 | 1;
  /** false: assistant turns without their text (the expert's rationale, a model's words); default true. */
  rationale?: boolean;
}

/** A tool message's text for a call the env never answered (an earlier call of the step ended the episode). */
const NOT_APPLIED = 'not applied: the episode had ended';
const MEMORY_HEADER = 'Summary of earlier steps:';

/**
 * THE conversation: what the model is shown before it acts on the observation `current`, after
 * the steps in `source`. The openai agent sends exactly this; every export and the token-level
 * SFT data are built from it (`trainingConversations`), so the model is trained on what it saw.
 *
 * - system: the system prompt, when there is one;
 * - user: the instruction, a blank line, the first observation's text;
 * - user `Summary of earlier steps:` (memory:N only): one line per step left out of the window;
 * - per step shown (all of them, or the last N under window:N / memory:N): an assistant turn (its
 *   text and tool calls), then one tool message per call holding the env's result for it;
 * - then the observation the next step was taken in, as a user message, only when it is not
 *   already the text of the step's last tool message. The env server makes a call's result the
 *   observation after that call, so after a call the observation is never repeated; it is shown
 *   when the step made no call (the env's answer, e.g. `Error (no_tool_call)`, possibly empty, so
 *   that model turns never follow each other) and when an env or a record has an observation
 *   that differs from the last result (a page snapshot after a short "clicked").
 *
 * Calls without ids get `call_<step>_<n>`; an id used before gets `_` appended until unique. A
 * result belongs to the call with its id; calls without ids take the remaining results in order.
 */
export function conversationBefore(source: ConversationSource, current: string, options: ConversationOptions = {}): ConversationMessage[] {
  const taken = source.steps.length;
  return render(source, firstShownStep(source.policy, taken), taken, current, options);
}

/** One example to train on: a conversation whose assistant turns carry their weights. */
export interface TrainingConversation {
  /** The episode id, plus `@<step>` when the episode gives one example per step. */
  id: string;
  messages: ConversationMessage[];
  /** The step whose turn the example teaches, when it teaches one (window:N, memory:N). */
  step?: number;
}

/**
 * An episode as training examples, each exactly what the model was shown plus what it answered.
 * Under `full` (and for agents without a context) every request was a prefix of the next, so one
 * conversation holds the whole episode. Under window:N or memory:N each step was shown its own
 * view: one example per step, the view before it then its turn; the earlier turns in the view are
 * context (weight 0), trained in their own examples.
 */
export function trainingConversations(record: EpisodeRecord, options: ConversationOptions = {}): TrainingConversation[] {
  const source = recordSource(record);
  const id = record.episodeId ?? '';
  const steps = source.steps.length;
  if (source.policy.kind === 'full') return [{ id, messages: render(source, 0, steps, undefined, options) }];
  // A step injected as noise teaches nothing: it has no example of its own.
  const taught = Array.from({ length: steps }, (_, k) => k).filter((k) => !source.steps[k]!.injected);
  return taught.map((k) => ({
    id: `${id}@${k}`,
    step: k,
    messages: render(source, firstShownStep(source.policy, k), k + 1, undefined, options).map((m) =>
      m.role === 'assistant' && m.step !== k ? { ...m, weight: 0 as const } : m,
    ),
  }));
}

/**
 * trainingConversations for formats that cannot weight turns (TRL messages, sharegpt), which learn
 * every assistant turn or only the last: an episode whose whole conversation holds injected turns
 * gives instead one example per learnt step, that step's prompt then its turn (`step` set), so an
 * injected turn is only ever context.
 */
export function targetConversations(record: EpisodeRecord, options: ConversationOptions = {}): TrainingConversation[] {
  return trainingConversations(record, options).flatMap((example) => {
    const { messages } = example;
    if (example.step !== undefined || !messages.some((m) => m.role === 'assistant' && m.injected)) return [example];
    return messages.flatMap((m, i) =>
      m.role === 'assistant' && !m.injected ? [{ id: `${example.id}@${m.step}`, step: m.step, messages: messages.slice(0, i + 1) }] : [],
    );
  });
}

/** The whole episode as one conversation, as a model acting with the full history saw it. */
export function toConversation(record: EpisodeRecord, options: ConversationOptions = {}): ConversationMessage[] {
  const source = recordSource(record, { kind: 'full' });
  return render(source, 0, source.steps.length, undefined, options);
}

/** What the model of `record` was shown before step `step` (its context policy applied). */
export function promptBeforeStep(record: EpisodeRecord, step: number, options: ConversationOptions = {}): ConversationMessage[] {
  const source = recordSource(record);
  return conversationBefore({ ...source, steps: source.steps.slice(0, step) }, source.steps[step]?.observation ?? '', options);
}

/**
 * A record as a conversation source, with the context policy its agent recorded (throws
 * UnknownContextPolicyError for one no agent has) unless `policy` is given.
 */
function recordSource(record: EpisodeRecord, policy: ContextPolicy = recordedPolicy(record.agent?.contextPolicy)): ConversationSource {
  return {
    systemPrompt: record.agent?.systemPrompt ?? '',
    instruction: record.instruction ?? '',
    policy,
    steps: (record.steps ?? []).map((step) => ({
      observation: step.observation?.text ?? '',
      text: step.text,
      toolCalls: step.toolCalls ?? [],
      results: step.results ?? [],
      errorKind: step.errorKind,
      injected: step.injected,
    })),
  };
}

/**
 * Steps [from, to) in full, after the header and the memory of steps before `from`. The
 * observation after step i is steps[i + 1]'s; after the last step it is `current` (none when
 * undefined: nobody acted on it).
 */
function render(source: ConversationSource, from: number, to: number, current: string | undefined, options: ConversationOptions): ConversationMessage[] {
  const { steps } = source;
  const messages: ConversationMessage[] = [];
  if (source.systemPrompt) messages.push({ role: 'system', content: source.systemPrompt });
  messages.push({ role: 'user', content: joinText(source.instruction, steps[0]?.observation ?? current ?? '') });
  if (source.policy.kind === 'memory' && from > 0) {
    messages.push({ role: 'user', content: `${MEMORY_HEADER}\n${steps.slice(0, from).map(summarise).join('\n')}` });
  }
  const turns = renderTurns(steps.slice(0, to), options);
  for (let i = from; i < to; i++) {
    const { assistant, tools } = turns[i]!;
    messages.push(assistant, ...tools);
    const next = i + 1 < to ? steps[i + 1]!.observation : current;
    // Shown unless the last tool message already says it (see conversationBefore).
    if (next !== undefined && tools.at(-1)?.content !== next) messages.push({ role: 'user', content: next });
  }
  return messages;
}

/** Every step's assistant turn and tool messages; call ids are made unique over the whole episode. */
function renderTurns(steps: readonly ConversationStep[], options: ConversationOptions): { assistant: AssistantMessage; tools: ToolMessage[] }[] {
  const usedIds = new Set<string>();
  return steps.map((step, i) => {
    const calls = step.toolCalls.map((call, k) => {
      let id = call.id || `call_${i}_${k}`;
      while (usedIds.has(id)) id = `${id}_`;
      usedIds.add(id);
      return { id, name: call.name ?? '', argumentsJson: call.argumentsJson || '{}', original: call.id ?? '' };
    });
    const invalid = Boolean(step.errorKind);
    const injected = Boolean(step.injected);
    const assistant: AssistantMessage = {
      role: 'assistant',
      content: options.rationale === false ? '' : (step.text ?? ''),
      toolCalls: calls.map(({ id, name, argumentsJson }) => ({ id, name, argumentsJson })),
      step: i,
      invalid,
      injected,
      weight: injected ? 0 : invalid ? (options.invalidStepWeight ?? 0) : 1,
    };
    const claimed = new Set(step.results.filter((r) => r.callId && calls.some((c) => c.original === r.callId)));
    const unclaimed = step.results.filter((r) => !claimed.has(r));
    const tools = calls.map((call): ToolMessage => {
      const result = call.original ? step.results.find((r) => r.callId === call.original) : unclaimed.shift();
      return { role: 'tool', toolCallId: call.id, name: call.name, content: resultText(result) };
    });
    return { assistant, tools };
  });
}

function resultText(result: ConversationStep['results'][number] | undefined): string {
  if (!result) return NOT_APPLIED;
  // The env server always writes an error's text; a record from elsewhere may not have.
  return result.text || (result.errorKind ? `Error (${result.errorKind}): ${result.errorMessage ?? ''}` : '');
}

/** A memory line: the step's calls and the first words of their results (deterministic, no model call). */
function summarise(step: ConversationStep, index: number): string {
  const calls = step.toolCalls.map((c) => `${c.name ?? ''}(${clip(c.argumentsJson ?? '', 60)})`).join(', ') || '(no tool call)';
  const outcome = step.results.map((r) => (r.errorKind ? `error ${r.errorKind}` : clip(r.text ?? '', 80))).join(' | ');
  return `step ${index}: ${calls} -> ${outcome}`;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function joinText(a: string, b: string): string {
  return a && b ? `${a}\n\n${b}` : a || b;
}

type ToolSchemaLike = { name?: string | null; description?: string | null; parametersJson?: string | null };

/** Tools as OpenAI/TRL function tools (`parameters` parsed to an object): what the model is offered. */
export function functionToolsOf(tools: readonly ToolSchemaLike[]): { type: 'function'; function: { name: string; description: string; parameters: object } }[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name ?? '', description: tool.description ?? '', parameters: parseObject(tool.parametersJson) ?? { type: 'object' } },
  }));
}

/** The record's tools as OpenAI/TRL function tools. */
export function functionTools(record: EpisodeRecord): ReturnType<typeof functionToolsOf> {
  return functionToolsOf(record.tools ?? []);
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

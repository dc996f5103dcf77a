import { PolicyRequestError } from '../errors.js';
import type { ChatRequestBody } from '../learner/chat-state.js';

/** A chat-completions request as the policy server answers it: every parameter checked. */
export interface CompletionRequest {
  body: ChatRequestBody;
  model?: string;
  n: number;
  temperature: number;
  topP: number;
  seed: number;
  logprobs: boolean;
  topLogprobs: number;
  /** Completion length limit (usage words); a longer answer ends with finish_reason "length". */
  maxTokens?: number;
  /** Tool names the answer may call (tools and tool_choice); undefined: any candidate. */
  allowedTools?: ReadonlySet<string>;
  stream: boolean;
  includeUsage: boolean;
  includeObfuscation: boolean;
  /** Echoed when the request named a service tier. */
  serviceTier?: 'default';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
const fail = (param: string, message: string): never => {
  throw new PolicyRequestError(`${param}: ${message}`, param);
};

/**
 * Parameters of the chat-completions API that ask for something the policy (one tool call chosen
 * among candidate actions, no text, no tokens) cannot do: accepted only at their neutral value
 * (absent, null, 0, empty), else a 400 saying why.
 */
const UNSUPPORTED: Record<string, { neutral: (v: unknown) => boolean; why: string }> = {
  audio: { neutral: absent, why: 'the policy answers with a tool call, never audio' },
  frequency_penalty: {
    neutral: (v) => absent(v) || v === 0,
    why: 'penalties act on generated tokens; the policy picks one whole candidate action (send 0 or omit it)',
  },
  presence_penalty: {
    neutral: (v) => absent(v) || v === 0,
    why: 'penalties act on generated tokens; the policy picks one whole candidate action (send 0 or omit it)',
  },
  logit_bias: {
    neutral: (v) => absent(v) || (isObject(v) && Object.keys(v).length === 0),
    why: 'there are no token logits to bias: the policy scores candidate actions',
  },
  functions: { neutral: absent, why: 'deprecated and not supported; send `tools`' },
  function_call: { neutral: absent, why: 'deprecated and not supported; send `tool_choice`' },
  prediction: { neutral: absent, why: 'predicted outputs speed up token generation; the policy generates no tokens' },
  reasoning_effort: { neutral: absent, why: 'the policy does no reasoning in text' },
  verbosity: { neutral: absent, why: 'the answer is a tool call, with no text whose length could vary' },
  web_search_options: { neutral: absent, why: 'the policy cannot search the web' },
  moderation: { neutral: absent, why: 'this server runs no moderation' },
  stop: { neutral: (v) => absent(v) || v === '' || (Array.isArray(v) && v.length === 0), why: 'the answer is a tool call: there is no text to stop' },
  store: { neutral: (v) => absent(v) || v === false, why: 'this server keeps no completions' },
};

/** Parameters that identify the caller or tune a provider's prompt cache: they cannot change the answer, which is the same with or without them. */
const NO_EFFECT = new Set(['user', 'safety_identifier', 'metadata', 'prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options']);

/** The parameters the server acts on (parsed below), and workgym's own `workgym_candidates`. */
const SUPPORTED = new Set([
  'messages',
  'model',
  'workgym_candidates',
  'n',
  'temperature',
  'top_p',
  'seed',
  'logprobs',
  'top_logprobs',
  'max_tokens',
  'max_completion_tokens',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'modalities',
  'service_tier',
  'stream',
  'stream_options',
]);

/** Checks every parameter of a chat-completions request; throws PolicyRequestError (400) naming the first one at fault. */
export function parseCompletionRequest(raw: unknown): CompletionRequest {
  if (!isObject(raw)) return fail('body', 'the request body must be a JSON object');
  for (const [key, value] of Object.entries(raw)) {
    const rule = UNSUPPORTED[key];
    if (rule && !rule.neutral(value)) fail(key, `not supported by the workgym policy server: ${rule.why}`);
    if (!rule && !NO_EFFECT.has(key) && !SUPPORTED.has(key)) fail(key, 'unrecognized request argument');
  }
  if (!Array.isArray(raw.messages) || raw.messages.length === 0) fail('messages', 'must be a non-empty array of messages');
  if (raw.model !== undefined && typeof raw.model !== 'string') fail('model', 'must be a string');
  const logprobs = optional(raw, 'logprobs', 'boolean') ?? false;
  const topLogprobs = integer(raw, 'top_logprobs', 0, 20) ?? 0;
  if (topLogprobs > 0 && !logprobs) fail('top_logprobs', 'needs logprobs: true');
  const stream = optional(raw, 'stream', 'boolean') ?? false;
  const streamOptions = raw.stream_options;
  if (!absent(streamOptions)) {
    if (!stream) fail('stream_options', 'only allowed when stream is true');
    if (!isObject(streamOptions)) fail('stream_options', 'must be an object');
    for (const key of Object.keys(streamOptions as Json)) {
      if (key !== 'include_usage' && key !== 'include_obfuscation') fail(`stream_options.${key}`, 'unrecognized stream option');
    }
  }
  const options = (streamOptions ?? {}) as Json;
  const maxTokens = [integer(raw, 'max_tokens', 1), integer(raw, 'max_completion_tokens', 1)].filter((v) => v !== undefined);
  checkFormat(raw);
  return {
    body: { messages: raw.messages as ChatRequestBody['messages'], workgym_candidates: raw.workgym_candidates as ChatRequestBody['workgym_candidates'] },
    model: raw.model as string | undefined,
    n: integer(raw, 'n', 1, 128) ?? 1,
    temperature: number(raw, 'temperature', 0, 2) ?? 1,
    topP: number(raw, 'top_p', 0, 1) ?? 1,
    seed: integer(raw, 'seed', Number.MIN_SAFE_INTEGER) ?? 0,
    logprobs,
    topLogprobs,
    maxTokens: maxTokens.length ? Math.min(...maxTokens) : undefined,
    allowedTools: allowedTools(raw),
    stream,
    includeUsage: optional(options, 'include_usage', 'boolean', 'stream_options.include_usage') ?? false,
    includeObfuscation: optional(options, 'include_obfuscation', 'boolean', 'stream_options.include_obfuscation') ?? false,
    serviceTier: absent(raw.service_tier) ? undefined : 'default',
  };
}

function checkFormat(raw: Json): void {
  const format = raw.response_format;
  if (!absent(format) && !(isObject(format) && format.type === 'text'))
    fail('response_format', 'only {"type": "text"}: the answer is a tool call, not JSON text');
  const modalities = raw.modalities;
  if (!absent(modalities) && !(Array.isArray(modalities) && modalities.every((m) => m === 'text'))) fail('modalities', 'only ["text"]');
  const tier = raw.service_tier;
  if (!absent(tier) && tier !== 'auto' && tier !== 'default') fail('service_tier', 'only "auto" or "default": this server has one tier');
  optional(raw, 'parallel_tool_calls', 'boolean');
}

/** Tool names the answer may use: the function tools offered, narrowed by tool_choice. */
function allowedTools(raw: Json): ReadonlySet<string> | undefined {
  let offered: Set<string> | undefined;
  if (!absent(raw.tools)) {
    if (!Array.isArray(raw.tools)) fail('tools', 'must be an array');
    offered = new Set(
      (raw.tools as unknown[]).map((tool, i) => {
        if (isObject(tool) && tool.type === 'custom') fail(`tools[${i}]`, 'custom tools are not supported: the policy calls function tools');
        if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function) || typeof tool.function.name !== 'string') {
          fail(`tools[${i}]`, 'must be {"type": "function", "function": {"name", ...}}');
        }
        return ((tool as Json).function as Json).name as string;
      }),
    );
  }
  const choice = raw.tool_choice;
  if (absent(choice) || choice === 'auto' || choice === 'required') return offered;
  if (choice === 'none') return fail('tool_choice', '"none" cannot be met: the policy only ever answers with a tool call');
  const named = (names: string[]) => {
    const unknown = offered ? names.filter((n) => !offered.has(n)) : [];
    if (unknown.length) fail('tool_choice', `names ${unknown.join(', ')}, which is not among the tools`);
    return new Set(names);
  };
  if (isObject(choice) && choice.type === 'function' && isObject(choice.function) && typeof choice.function.name === 'string')
    return named([choice.function.name]);
  if (isObject(choice) && choice.type === 'allowed_tools' && isObject(choice.allowed_tools) && Array.isArray(choice.allowed_tools.tools)) {
    return named(
      choice.allowed_tools.tools.map((t: unknown) => {
        if (!isObject(t) || t.type !== 'function' || !isObject(t.function) || typeof t.function.name !== 'string') {
          return fail('tool_choice', 'allowed_tools may only list function tools ({"type": "function", "function": {"name"}})');
        }
        return t.function.name;
      }),
    );
  }
  return fail(
    'tool_choice',
    'must be "auto", "required", {"type": "function", "function": {"name"}} or {"type": "allowed_tools", ...} (custom tools are not supported)',
  );
}

function optional<T extends 'boolean' | 'string'>(raw: Json, key: string, type: T, param = key): (T extends 'boolean' ? boolean : string) | undefined {
  const value = raw[key];
  if (absent(value)) return undefined;
  if (typeof value !== type) fail(param, `must be a ${type}`);
  return value as T extends 'boolean' ? boolean : string;
}

function number(raw: Json, key: string, min: number, max: number): number | undefined {
  const value = raw[key];
  if (absent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(key, `must be a number from ${min} to ${max}`);
  return value as number;
}

function integer(raw: Json, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = raw[key];
  if (absent(value)) return undefined;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(key, max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`);
  }
  return value as number;
}

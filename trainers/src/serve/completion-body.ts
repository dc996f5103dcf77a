import { randomBytes } from 'node:crypto';
import type { CompletionRequest } from './chat-request.js';
import type { PolicyChoice } from './policy-answer.js';

/** What every body of one completion shares. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  /** Prefix of the tool call ids, unique per request: `<callPrefix>_<choice index>`. */
  callPrefix: string;
}

interface Answer {
  choices: PolicyChoice[];
  promptTokens: number;
}

/** How many characters of a call's arguments each streamed delta carries (a model streams them in pieces too). */
const ARGUMENT_PIECE = 16;

/** The `chat.completion` JSON body. */
export function completionBody(meta: CompletionMeta, answer: Answer, request: CompletionRequest): object {
  return {
    ...header(meta, request, 'chat.completion'),
    choices: answer.choices.map((c) => ({
      index: c.index,
      finish_reason: c.finishReason,
      message: {
        role: 'assistant',
        content: c.call ? null : '',
        refusal: null,
        ...(c.call ? { tool_calls: [{ id: callId(meta, c), type: 'function', function: { name: c.call.name, arguments: c.call.argumentsJson } }] } : {}),
      },
      logprobs: logprobs(c, request),
    })),
    usage: usage(answer),
  };
}

/**
 * The `chat.completion.chunk` events of a streamed completion, in the API's order: per choice its
 * role, then its tool call (id, type and name first, then the arguments in pieces, each delta
 * carrying the call's `index`), then its finish_reason; then, with `stream_options.include_usage`,
 * a chunk with empty choices and the usage (every other chunk then has `usage: null`).
 */
export function completionChunks(meta: CompletionMeta, answer: Answer, request: CompletionRequest): object[] {
  const base = { ...header(meta, request, 'chat.completion.chunk'), ...(request.includeUsage ? { usage: null } : {}) };
  const chunk = (index: number, delta: object, extra: { logprobs?: object | null; finish_reason?: string | null } = {}) => ({
    ...base,
    choices: [{ index, delta, logprobs: extra.logprobs ?? null, finish_reason: extra.finish_reason ?? null }],
  });
  const chunks: object[] = [];
  for (const c of answer.choices) {
    chunks.push(chunk(c.index, { role: 'assistant', content: c.call ? null : '' }));
    if (c.call) {
      chunks.push(
        chunk(
          c.index,
          { tool_calls: [{ index: 0, id: callId(meta, c), type: 'function', function: { name: c.call.name, arguments: '' } }] },
          { logprobs: logprobs(c, request) },
        ),
      );
      const args = c.call.argumentsJson;
      for (let at = 0; at < args.length; at += ARGUMENT_PIECE)
        chunks.push(chunk(c.index, { tool_calls: [{ index: 0, function: { arguments: args.slice(at, at + ARGUMENT_PIECE) } }] }));
    }
    chunks.push(chunk(c.index, {}, { finish_reason: c.finishReason }));
  }
  if (request.includeUsage) chunks.push({ ...base, choices: [], usage: usage(answer) });
  // Random padding that varies chunk sizes (the API's side-channel mitigation), when asked for.
  if (request.includeObfuscation) return chunks.map((c) => ({ ...c, obfuscation: randomBytes(1 + (randomBytes(1)[0]! % 12)).toString('base64url') }));
  return chunks;
}

function header(meta: CompletionMeta, request: CompletionRequest, object: string) {
  return {
    id: meta.id,
    object,
    created: meta.created,
    model: meta.model,
    ...(request.serviceTier ? { service_tier: request.serviceTier } : {}),
    system_fingerprint: null,
  };
}

const callId = (meta: CompletionMeta, c: PolicyChoice) => `${meta.callPrefix}_${c.index}`;

/** One pseudo-token, the chosen candidate, with its log-probability under the policy; the alternatives are the most likely candidates. */
function logprobs(c: PolicyChoice, request: CompletionRequest): object | null {
  if (!request.logprobs) return null;
  const bytes = (token: string) => [...Buffer.from(token, 'utf8')];
  const content = c.call
    ? [{ token: c.token, logprob: c.logprob, bytes: bytes(c.token), top_logprobs: c.top.map((t) => ({ ...t, bytes: bytes(t.token) })) }]
    : [];
  return { content, refusal: null };
}

function usage(answer: Answer) {
  const completion = answer.choices.reduce((n, c) => n + c.completionTokens, 0);
  return { prompt_tokens: answer.promptTokens, completion_tokens: completion, total_tokens: answer.promptTokens + completion };
}

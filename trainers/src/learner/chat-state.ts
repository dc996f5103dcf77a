import { PolicyRequestError } from '../errors.js';
import type { Candidate, PolicyState } from './policy-state.js';

/** The part of a chat-completions request the embedded policy reads. */
export interface ChatRequestBody {
  messages?: { role?: string; content?: unknown; tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[]; tool_call_id?: string }[];
  /** workgym's extra field: the env's candidate actions at this state (`arguments` is JSON text or an object). */
  workgym_candidates?: { name?: string; arguments?: unknown }[];
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && (part as { type?: string }).type === 'text' ? String((part as { text?: unknown }).text ?? '') : ''))
      .filter(Boolean)
      .join('\n');
  }
  return '';
}

const CANDIDATE_LINE = /^\s*(?:[-*]|\d+[.)])\s*([A-Za-z_][\w.-]*)\s*(\{.*\})?\s*$/;

/**
 * Candidates written in a message as a block: a line containing "candidate actions", then one
 * line per call, `- name {"arg": ...}` or `1. name {...}`. For clients that cannot add fields.
 */
export function candidatesFromText(content: string): Candidate[] {
  const lines = content.split('\n');
  const start = lines.findIndex((l) => /candidate actions/i.test(l));
  if (start < 0) return [];
  const out: Candidate[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = CANDIDATE_LINE.exec(line);
    if (!m) {
      if (out.length > 0) break;
      continue;
    }
    out.push({ name: m[1]!, argumentsJson: m[2] ?? '{}' });
  }
  return out;
}

/**
 * The policy state a chat-completions request describes: the instruction is the first user
 * message, assistant tool calls and their tool messages are the history, the messages after the
 * last assistant turn are the observation. Candidates come from `workgym_candidates`, else from a
 * "Candidate actions:" block in the last user or tool message.
 */
export function stateFromChat(body: ChatRequestBody): PolicyState {
  const messages = body.messages ?? [];
  if (messages.length === 0) throw new PolicyRequestError('the request has no messages');
  const firstUser = messages.find((m) => m.role === 'user');
  if (!firstUser) throw new PolicyRequestError('the request has no user message (the task instruction)');
  const instruction = text(firstUser.content);
  const calls = new Map<string, { name: string; argumentsJson: string; result: string }>();
  const history: { name: string; argumentsJson: string; result: string }[] = [];
  let lastAssistant = -1;
  messages.forEach((m, i) => {
    if (m.role === 'assistant') {
      lastAssistant = i;
      for (const call of m.tool_calls ?? []) {
        const entry = { name: call.function?.name ?? '', argumentsJson: call.function?.arguments || '{}', result: '' };
        history.push(entry);
        if (call.id) calls.set(call.id, entry);
      }
    } else if (m.role === 'tool' && m.tool_call_id) {
      const entry = calls.get(m.tool_call_id);
      if (entry) entry.result = text(m.content);
    }
  });
  const after = messages.slice(lastAssistant + 1).filter((m) => m.role === 'tool' || m.role === 'user');
  const tools = after.filter((m) => m.role === 'tool');
  const observation = lastAssistant < 0 ? instruction : (tools.length ? tools : after).map((m) => text(m.content)).join('\n');
  let candidates: Candidate[];
  if (Array.isArray(body.workgym_candidates)) {
    candidates = body.workgym_candidates.map((c, i) => {
      if (!c || typeof c.name !== 'string' || !c.name) throw new PolicyRequestError(`workgym_candidates[${i}] has no name`);
      const args = c.arguments ?? {};
      return { name: c.name, argumentsJson: typeof args === 'string' ? args || '{}' : JSON.stringify(args) };
    });
  } else {
    const last = [...messages].reverse().find((m) => m.role === 'user' || m.role === 'tool');
    candidates = candidatesFromText(text(last?.content));
  }
  if (candidates.length === 0) {
    throw new PolicyRequestError(
      'no candidate actions in the request: send them in the `workgym_candidates` field ([{"name", "arguments"}]) ' +
        '(workgym rollout/eval --agent openai --candidates; OpenAIAgent sendCandidates), or as a "Candidate actions:" list in the last user or tool message',
    );
  }
  return { instruction, observation, history, candidates };
}

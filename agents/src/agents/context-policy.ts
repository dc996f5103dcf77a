import type { Turn } from '../agent.js';

/**
 * How much of the history goes into the prompt: everything, the last `turns` turns, or the last
 * `turns` turns plus a compressed memory line per older turn. Recorded in every trajectory.
 */
export type ContextPolicy = { kind: 'full' } | { kind: 'window'; turns: number } | { kind: 'memory'; turns: number };

export function describePolicy(policy: ContextPolicy): string {
  return policy.kind === 'full' ? 'full' : `${policy.kind}:${policy.turns}`;
}

/** Parses "full", "window:8" or "memory:8". */
export function parsePolicy(text: string): ContextPolicy {
  if (text === 'full') return { kind: 'full' };
  const match = /^(window|memory):(\d+)$/.exec(text);
  if (!match || Number(match[2]) < 1) throw new Error(`context policy must be full, window:N or memory:N (N >= 1), not ${JSON.stringify(text)}`);
  return { kind: match[1] as 'window' | 'memory', turns: Number(match[2]) };
}

/** The turns shown in full, and a memory summary of the turns left out (empty when none). */
export function selectTurns(history: readonly Turn[], policy: ContextPolicy): { shown: readonly Turn[]; memory: string } {
  if (policy.kind === 'full' || history.length <= policy.turns) return { shown: history, memory: '' };
  const cut = history.length - policy.turns;
  const memory = policy.kind === 'memory' ? history.slice(0, cut).map((turn, i) => summarise(turn, i)).join('\n') : '';
  return { shown: history.slice(cut), memory };
}

function summarise(turn: Turn, index: number): string {
  const calls = turn.action.calls.map((c) => `${c.name}(${clip(c.argumentsJson ?? '', 60)})`).join(', ') || '(no tool call)';
  const outcome = turn.results.map((r) => (r.errorKind ? `error ${r.errorKind}` : clip(r.text, 80))).join(' | ');
  return `step ${index}: ${calls} -> ${outcome}`;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

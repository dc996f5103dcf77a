import type { Candidate } from './policy-state.js';
import { tokens } from './words.js';

function canonical(json: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(json || '{}')));
  } catch {
    return json;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** A call's identity for comparison: its name and its arguments with sorted keys. */
export function callKey(call: Candidate): string {
  return `${call.name}:${canonical(call.argumentsJson)}`;
}

function distance(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // Same sign first (direction matters more than size), then nearness.
    return (Math.sign(a) === Math.sign(b) ? 0 : 1000) + Math.abs(a - b) / (1 + Math.abs(a) + Math.abs(b));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    let d = 0;
    for (const k of keys) d += distance((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
    return d;
  }
  if (typeof a === 'string' && typeof b === 'string' && a !== b) return 10 - 9 * wordOverlap(a, b);
  return JSON.stringify(a) === JSON.stringify(b) ? 0 : 10;
}

/**
 * Shared words over the words of both (Jaccard). An expert answers "YK4ZRB" where the
 * candidate reads "Confirmation code: YK4ZRB" (the verifier accepts either): that candidate,
 * not the first answer on the list, is what the demonstration stands for.
 */
function wordOverlap(a: string, b: string): number {
  const wa = new Set(tokens(a, 64));
  const wb = new Set(tokens(b, 64));
  const shared = [...wa].filter((w) => wb.has(w)).length;
  return shared === 0 ? 0 : shared / new Set([...wa, ...wb]).size;
}

/**
 * The candidate a call stands for: an exact match (name and arguments), else the candidate of
 * the same tool whose arguments are nearest (numbers by sign, then size). An expert may take a
 * step no candidate offers (the counter's expert adds the whole difference at once; the
 * candidates add +1 or -1): its nearest candidate is the demonstration the policy can learn.
 * Returns -1 when no candidate has the call's tool.
 */
export function matchCandidate(call: Candidate, candidates: readonly Candidate[]): number {
  const key = callKey(call);
  const exact = candidates.findIndex((c) => callKey(c) === key);
  if (exact >= 0) return exact;
  let best = -1;
  let bestDistance = Infinity;
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.argumentsJson || '{}');
  } catch {
    return -1;
  }
  candidates.forEach((c, i) => {
    if (c.name !== call.name) return;
    let args: unknown;
    try {
      args = JSON.parse(c.argumentsJson || '{}');
    } catch {
      return;
    }
    const d = distance(parsed, args);
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}

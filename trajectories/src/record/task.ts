import { sha256Hex } from './sha256-hex.js';
import type { EpisodeRecord, ToolSchema } from './record.js';

/**
 * The hash recorded in `tools_hash`: sha256 of the canonical JSON of the tool list
 * (name, description, parameters_json per tool, in the order offered).
 */
export function toolsHash(tools: readonly ToolSchema[]): string {
  return sha256Hex(toolsCanonicalJson(tools));
}

export function toolsCanonicalJson(tools: readonly ToolSchema[]): string {
  return JSON.stringify(tools.map((t) => [t.name ?? '', t.description ?? '', t.parametersJson ?? '']));
}

/** `browser/shop-buy-cheapest#42`: one task instance, whatever agent or attempt ran it. */
export function taskId(record: Pick<EpisodeRecord, 'env' | 'family' | 'seed'>): string {
  return `${qualifiedFamily(record.env ?? '', record.family ?? '')}#${record.seed ?? 0}`;
}

function qualifiedFamily(env: string, family: string): string {
  return family.includes('/') || env === '' ? family : `${env}/${family}`;
}

/**
 * Which side of a train/validation split a task falls on. The position comes from a hash
 * of env/family/seed, so every episode of a task lands on the same side (no leak) and the
 * answer does not depend on which other tasks are in the run.
 */
export function taskSplit(record: Pick<EpisodeRecord, 'env' | 'family' | 'seed'>, validationFraction: number): 'train' | 'validation' {
  return taskPosition(record) < validationFraction ? 'validation' : 'train';
}

/** A number in [0, 1) fixed by the task. */
export function taskPosition(record: Pick<EpisodeRecord, 'env' | 'family' | 'seed'>): number {
  const digest = sha256Hex(taskId(record));
  return parseInt(digest.slice(0, 12), 16) / 2 ** 48;
}

/**
 * Hash of what the agent did: tool names and arguments as the model wrote them, in order.
 * Arguments compare as text (what a model learns to write), so `{"id":1}` and `{"id": 1}`
 * are different actions.
 */
export function actionsHash(record: Pick<EpisodeRecord, 'steps'>): string {
  let text = '';
  for (const step of record.steps ?? []) {
    text += '\u0001';
    for (const call of step.toolCalls ?? []) text += `${call.name ?? ''}\u0000${call.argumentsJson ?? ''}\u0002`;
  }
  return sha256Hex(text).slice(0, 32);
}

import { CallRefusedError } from './errors.js';
import type { TaskFamily } from './messages.js';

/** What an episode's reward pays: the verdict's success (the default), or the shaped reward. */
export type RewardMode = 'success' | 'shaped';

export const REWARD_MODES: readonly RewardMode[] = ['success', 'shaped'];

/** How a verdict component counts in shaped reward (RewardComponent in workgym.proto). */
export type ComponentKind = 'progress' | 'guard';

/** One component a family declares, in the order credit is given. */
export interface ComponentDecl {
  name: string;
  kind: ComponentKind;
}

/** Short of success, shaped reward stays below this (a partial solution never looks solved). */
export const SHAPED_CAP = 0.9;

/** The expert strategy that does the task with `condition` dropped. */
export const relaxStrategy = (condition: string): string => `relax:${condition}`;
/** The expert strategy that plays the constant attempt `guess`. */
export const guessStrategy = (guess: string): string => `guess:${guess}`;

/** What an episode is paid under `mode`: its success, 0 or 1, or its shaped reward. */
export function paidReward(mode: RewardMode, success: boolean, shaped: number): number {
  return mode === 'shaped' ? shaped : success ? 1 : 0;
}

/** The mode a reset asked for: "" means success; anything else is refused. */
export function parseRewardMode(asked: string): RewardMode {
  if (asked === '') return 'success';
  if ((REWARD_MODES as readonly string[]).includes(asked)) return asked as RewardMode;
  throw new CallRefusedError('bad_request', `reward ${JSON.stringify(asked)} is not one of ${REWARD_MODES.join(', ')}`);
}

/**
 * The shaped reward of a verdict under the family's declared components (the rules in the
 * REWARD section of workgym.proto): success pays 1; progress components count in order, each
 * only while every earlier one is fully met; guards only multiply; short of success at most
 * SHAPED_CAP. A component the verdict lacks counts 0.
 */
export function shapedReward(declared: readonly ComponentDecl[], success: boolean, components: Readonly<Record<string, number>>): number {
  if (success) return 1;
  const value = (name: string) => Math.min(1, Math.max(0, components[name] ?? 0));
  const progress = declared.filter((c) => c.kind === 'progress');
  let credit = 0;
  for (const c of progress) {
    credit += value(c.name);
    if (value(c.name) < 1) break;
  }
  const guards = declared.filter((c) => c.kind === 'guard').reduce((product, c) => product * value(c.name), 1);
  return progress.length === 0 ? 0 : Math.min(SHAPED_CAP, (credit / progress.length) * guards);
}

/** A catalogue family's declared components in the kit's terms. */
export function declaredComponents(family: Pick<TaskFamily, 'components'>): ComponentDecl[] {
  return (family.components ?? []).map((c) => ({ name: c.name ?? '', kind: c.kind === 1 ? 'guard' : 'progress' }));
}

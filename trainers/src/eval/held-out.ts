import type { EpisodeRecord } from '@workgym/trajectories';
import type { EvalEnv } from './run-eval.js';

/** The two parts a held-out split reports apart: the families training draws from, and those kept out of it. */
export const FAMILY_SPLITS = ['trained families', 'held-out families'] as const;
export type FamilySplit = (typeof FAMILY_SPLITS)[number];

/**
 * The envs as training sees them: each without its held-out families, and an env left with none
 * dropped. Evaluations take the envs whole, so a held-out family is only ever tested.
 */
export function trainingEnvs<E extends Pick<EvalEnv, 'families' | 'heldOut'>>(envs: readonly E[]): E[] {
  return envs.flatMap((env) => {
    const families = env.families.filter((f) => !env.heldOut?.includes(f));
    return families.length > 0 ? [{ ...env, families, heldOut: [] }] : [];
  });
}

/** Every held-out family of the envs. */
export function heldOutOf(envs: readonly Pick<EvalEnv, 'heldOut'>[]): Set<string> {
  return new Set(envs.flatMap((env) => env.heldOut ?? []));
}

/** Which part of the split an episode's family is in. */
export function familySplit(record: EpisodeRecord, heldOut: ReadonlySet<string>): FamilySplit {
  return heldOut.has(record.family ?? '') ? 'held-out families' : 'trained families';
}

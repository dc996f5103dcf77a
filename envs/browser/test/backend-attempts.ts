// Attempts played on the sites' own request handlers, as an agent's clicks and forms would send
// them, and judged by the family's verifier: the unit tests of rewards, guesses and positional picks.
import { shapedReward } from '@workgym/protocol';
import { describeChanges, diffStates, NO_COLLATERAL, type StateSnapshot } from '@workgym/protocol/kit';
import { expect } from 'vitest';
import type { BrowserEnv } from '../src/index.js';
import type { SiteApp, SiteRequest } from '../src/sites/site-app.js';
import { sitesState } from '../src/sites/state.js';
import { FAMILIES } from '../src/tasks/index.js';
import type { TaskInstance, Verification } from '../src/tasks/task.js';

/** Each instance's family and its sites' state when it was made (`judging`). */
const starts = new WeakMap<TaskInstance, { family: string; start: StateSnapshot }>();

/** `env`, keeping each instance's start state, so `verdictOf` judges the whole state as a served episode's kit does. */
export function judging<E extends BrowserEnv>(env: E): E {
  const generate = env.instance.bind(env);
  env.instance = (family: string, seed: number, split?: string) => {
    const instance = generate(family, seed, split);
    starts.set(instance, { family: family.replace(/^browser\//, ''), start: sitesState(instance.sites) });
    return instance;
  };
  return env;
}

/**
 * The family's verdict and its shaped reward, with the kit's guard `no_collateral` where the
 * family opts in (`collateral`): any change of the sites it does not expect fails, as it does in
 * a served episode. The instance must come from a `judging` env.
 */
export function verdictOf(instance: TaskInstance, answer?: string): Verification & { shaped: number } {
  const made = starts.get(instance);
  if (!made) throw new Error('the instance was not made by a judging(env): its start state is unknown');
  const def = FAMILIES.find((f) => f.name === made.family)!;
  const v = instance.verify({ answer, submitted: true });
  if (!def.collateral) return { ...v, shaped: shapedReward(def.components ?? [], v.success, v.components) };
  const unexpected = diffStates(made.start, sitesState(instance.sites)).filter((c) => !instance.expectsChange?.(c.key));
  const kept = unexpected.length === 0;
  const judged = {
    ...v,
    success: v.success && kept,
    components: { ...v.components, [NO_COLLATERAL]: kept ? 1 : 0 },
    detail: kept ? v.detail : `${v.detail}; changed what the task did not ask for: ${describeChanges(unexpected)}`,
  };
  const components = [...(def.components ?? []), { name: NO_COLLATERAL, kind: 'guard' as const }];
  return { ...judged, shaped: shapedReward(components, judged.success, judged.components) };
}

/** The instance's site app of a kind. */
export function site<T>(instance: TaskInstance, kind: new (...args: never[]) => T): T {
  return instance.sites.find((s): s is T & TaskInstance['sites'][number] => s instanceof kind)!;
}

/** A form POST, the way the page's form sends it; the page it answers with. */
export function post(app: SiteApp, path: string, fields: Record<string, string | number>): string {
  const form = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
  const req: SiteRequest = { method: 'POST', path, query: new URLSearchParams(), form };
  const res = app.handle(req) as { html?: string };
  return res.html ?? '';
}

/** The verdict and its shaped reward under the family's declared components. */
export function judged(family: string, instance: TaskInstance, answer?: string) {
  expect(starts.get(instance)?.family).toBe(family);
  const v = verdictOf(instance, answer);
  return { success: v.success, shaped: v.shaped, components: v.components, detail: v.detail };
}

/** The seeds a constant attempt is measured on, as the conformance suite's guessing floor does. */
export const FLOOR_SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);

/** The seeds of 1..50 an attempt succeeds on: at most 5% (2) may. */
export function floor(attempt: (seed: number) => { success: boolean }): number[] {
  const won = FLOOR_SEEDS.filter((seed) => attempt(seed).success);
  expect(won.length, `succeeds on seeds ${won.join(', ')}`).toBeLessThanOrEqual(2);
  return won;
}

/**
 * The share of seeds 1..n on which the most frequent place (of those `place` gives: a rank, a
 * position in a list) is the right one: a policy that always takes that place wins that often.
 * Over 1000 seeds the share is the generator's, not the luck of 50 seeds. A seed with no right
 * place (`undefined`: an infeasible seed, where nothing may be picked) counts for no place.
 */
export function topShare(n: number, place: (seed: number) => number | undefined): number {
  const counts = new Map<number, number>();
  for (let seed = 1; seed <= n; seed++) {
    const p = place(seed);
    if (p !== undefined) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return Math.max(...counts.values()) / n;
}

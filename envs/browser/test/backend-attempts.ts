// Attempts played on the sites' own request handlers, as an agent's clicks and forms would send
// them, and judged by the family's verifier: the unit tests of rewards, guesses and positional picks.
import { shapedReward } from '@workgym/protocol';
import { expect } from 'vitest';
import type { SiteApp, SiteRequest } from '../src/sites/site-app.js';
import { FAMILIES } from '../src/tasks/index.js';
import type { TaskInstance } from '../src/tasks/task.js';

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
  const def = FAMILIES.find((f) => f.name === family)!;
  const v = instance.verify({ answer, submitted: true });
  return { success: v.success, shaped: shapedReward(def.components ?? [], v.success, v.components), components: v.components, detail: v.detail };
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

import picomatch from 'picomatch';
import { registeredEnvs } from './env-registry.js';
import { listFamilies } from './family-list.js';
import { UsageError } from './usage-error.js';

// Which families training keeps out (train --online, transfer, DAgger) and which an eval reports
// apart: the catalogue's held_out families, or those --hold-out names in their place.

export interface HoldOutFlags {
  /** Comma-separated family globs held out in place of the catalogue's own. */
  holdOut?: string;
  /** Train on the held-out families too (nothing is reported apart then). */
  includeHeldOut?: boolean;
}

/** The globs of --hold-out: split at commas outside braces, so `code/{a,b}` stays one glob. */
export function readGlobs(value: string): string[] {
  const globs: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === ',' && depth === 0) {
      globs.push(current);
      current = '';
      continue;
    }
    if (char === '{') depth++;
    if (char === '}') depth = Math.max(0, depth - 1);
    current += char;
  }
  return [...globs, current].map((g) => g.trim()).filter(Boolean);
}

/**
 * The families of `families` held out: those the --hold-out globs match (each glob must match
 * one, or the command is refused listing the families), else the catalogue's (`declared`).
 */
export function heldOutFamilies(families: readonly string[], declared: readonly string[], flags: HoldOutFlags): string[] {
  if (flags.holdOut !== undefined && flags.includeHeldOut)
    throw new UsageError('give --hold-out (which families to keep out of training) or --include-held-out (keep none out), not both');
  if (flags.includeHeldOut) return [];
  if (flags.holdOut === undefined) return families.filter((f) => declared.includes(f));
  const globs = readGlobs(flags.holdOut);
  if (globs.length === 0) throw new UsageError('--hold-out needs at least one family glob, e.g. "code/sql-*"');
  const matchers = globs.map((glob) => ({ glob, match: picomatch(glob) }));
  const none = matchers.find(({ match }) => !families.some((f) => match(f)));
  if (none) {
    throw new UsageError(`--hold-out ${JSON.stringify(none.glob)} matches none of the families: ${listFamilies(families)}`);
  }
  return families.filter((f) => matchers.some(({ match }) => match(f)));
}

/** The envs with their held-out families as the flags decide (see heldOutFamilies); a glob is matched against every env's families. */
export function applyHoldOut<E extends { families: string[]; heldOut: string[] }>(envs: readonly E[], flags: HoldOutFlags): E[] {
  const held = new Set(
    heldOutFamilies(
      envs.flatMap((e) => e.families),
      envs.flatMap((e) => e.heldOut),
      flags,
    ),
  );
  return envs.map((env) => ({ ...env, heldOut: env.families.filter((f) => held.has(f)) }));
}

/** "code/sql-report, browser/desk-triage held out of training", or that none is. */
export function describeHeldOut(envs: readonly { heldOut: readonly string[] }[]): string {
  const held = envs.flatMap((e) => e.heldOut);
  return held.length ? `${held.join(', ')} (kept out of training, evaluated)` : 'none';
}

/** The families the catalogues of the registered envs among `names` hold out (an env not registered here holds out none). */
export async function declaredHeldOut(names: readonly string[]): Promise<string[]> {
  const held: string[] = [];
  for (const { manifest } of registeredEnvs().filter((e) => names.includes(e.manifest.name))) {
    const env = await manifest.create();
    held.push(...env.families().flatMap((f) => (f.heldOut ? [f.id!] : [])));
    await env.close?.();
  }
  return held;
}

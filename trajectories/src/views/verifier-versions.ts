import { TrajectoryError } from '../errors.js';

/** Episodes of one family judged by different verifiers, put in one table or file without `--mix-verifiers`. */
export class MixedVerifiersError extends TrajectoryError {
  constructor(message: string) {
    super('WORKGYM_MIXED_VERIFIERS', message);
  }
}

interface Judged {
  family?: string | null;
  verifierVersion?: string | null;
}

/** The families whose episodes were judged by more than one verifier version, each with its versions ("" for unrecorded). */
export function mixedVerifierVersions(episodes: readonly Judged[]): Map<string, string[]> {
  const versions = new Map<string, Set<string>>();
  for (const e of episodes) {
    const family = e.family ?? '';
    (versions.get(family) ?? versions.set(family, new Set()).get(family)!).add(e.verifierVersion ?? '');
  }
  return new Map([...versions].filter(([, v]) => v.size > 1).map(([family, v]) => [family, [...v].sort()]));
}

/**
 * What every command that puts stored episodes in one table or file (eval, stats, exports,
 * training) checks first: a family's episodes must have been judged by one verifier version,
 * or a success rate mixes two definitions of success. `mix` (the `--mix-verifiers` flag) lets
 * them through.
 */
export function refuseMixedVerifiers(episodes: readonly Judged[], mix: boolean | undefined): void {
  if (mix) return;
  const mixed = mixedVerifierVersions(episodes);
  if (mixed.size === 0) return;
  const shown = [...mixed]
    .slice(0, 3)
    .map(([family, versions]) => `${family} (${versions.map((v) => v || 'unversioned').join(', ')})`)
    .join(', ');
  throw new MixedVerifiersError(
    `${mixed.size} famil${mixed.size === 1 ? 'y was' : 'ies were'} judged by more than one verifier version: ${shown}${mixed.size > 3 ? ', ...' : ''}; ` +
      're-verify the older episodes with `workgym data rescore RUN` and use its output, or pass --mix-verifiers to mix them anyway',
  );
}

import picomatch from 'picomatch';
import { DockerRuntime, LocalRuntime, reapContainers, type EnvRuntime, type EnvServerSpec } from '@workgym/runtime';
import type { EnvManifest } from '@workgym/protocol';
import { findEnvs } from '../env-registry.js';
import { specFor } from '../env-specs.js';
import { checkExpertVariant } from '../make-agent.js';
import { UsageError } from '../usage-error.js';

// What the commands that run episodes (rollout, eval, train, transfer, check) share.

/** The runtime a command asked for; docker runs the reaper first (containers a killed run left). */
export async function makeRuntime(kind: 'docker' | 'local'): Promise<EnvRuntime> {
  if (kind === 'local') return new LocalRuntime();
  await reapContainers();
  return new DockerRuntime();
}

export interface SelectedEnv {
  name: string;
  spec: EnvServerSpec;
  families: string[];
}

/** The registry's envs and families that match --env and --family, with their runtime specs. */
export async function selectEnvs(
  names: readonly string[] | undefined,
  family: string | undefined,
  runtime: 'docker' | 'local',
  /** The expert strategy asked for (--expert-variant): every selected family must have it. */
  expertVariant?: string,
): Promise<SelectedEnv[]> {
  const selected: SelectedEnv[] = [];
  for (const { manifest, families } of await matchFamilies(names, family, expertVariant)) {
    selected.push({ name: manifest.name, spec: await specFor(manifest, runtime), families });
  }
  return selected;
}

export interface MatchedEnv {
  name: string;
  manifest: EnvManifest;
  families: string[];
}

/**
 * The registry's envs and families that match --env and --family, without starting or building
 * anything (a dry run stops here): what matches nothing is refused as a real run refuses it.
 */
export async function matchFamilies(names: readonly string[] | undefined, family: string | undefined, expertVariant?: string): Promise<MatchedEnv[]> {
  const match = family ? picomatch(family) : () => true;
  const matched: MatchedEnv[] = [];
  for (const manifest of findEnvs(names)) {
    const env = await manifest.create();
    const families = env.families().filter((f) => match(f.id!));
    await env.close?.();
    if (families.length === 0) continue;
    checkExpertVariant(expertVariant, families);
    matched.push({ name: manifest.name, manifest, families: families.map((f) => f.id!) });
  }
  if (matched.length === 0) throw new UsageError(`no task family matches${family ? ` --family ${family}` : ''}; see \`workgym envs\``);
  return matched;
}

/** Progress on stderr: one line per finished episode batch, at most every 2 s. */
export function progressLine(prefix: string): (stats: { envs: readonly { env: string; done: number; total: number }[] }) => void {
  let last = 0;
  return (stats) => {
    const now = Date.now();
    if (now - last < 2000) return;
    last = now;
    process.stderr.write(`[${prefix}] ${stats.envs.map((e) => `${e.env} ${e.done}/${e.total}`).join(', ')}\n`);
  };
}

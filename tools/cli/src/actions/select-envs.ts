import picomatch from 'picomatch';
import {
  DockerRuntime,
  LocalRuntime,
  reapContainers,
  resolveTaskPaths,
  SERVER_USER,
  taskReaderOf,
  type EnvRuntime,
  type EnvServerSpec,
} from '@workgym/runtime';
import type { EnvManifest } from '@workgym/protocol';
import { findEnvs } from '../env-registry.js';
import { listFamilies } from '../family-list.js';
import { specFor } from '../env-specs.js';
import { checkExpert, type ExpertAsk } from '../make-agent.js';
import type { TaskSets } from '../task-sets.js';
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
  /** The matched families the catalogue holds out of training (TaskFamily.held_out). */
  heldOut: string[];
}

/**
 * The registry's envs and families that match --env and --family, with their runtime specs; an
 * env's task sets (--tasks) travel in its spec. Under docker, every file of a task set must be
 * readable by the container's user: refused here, before any image is built.
 */
export async function selectEnvs(
  names: readonly string[] | undefined,
  family: string | undefined,
  runtime: 'docker' | 'local',
  /** The expert asked for (--agent expert, --expert-variant): every selected family must have it. */
  expert?: ExpertAsk,
  tasks: TaskSets = {},
): Promise<SelectedEnv[]> {
  const selected: SelectedEnv[] = [];
  for (const { manifest, families, heldOut } of await matchFamilies(names, family, expert, tasks)) {
    selected.push({ name: manifest.name, spec: await envSpec(manifest, runtime, tasks[manifest.name]), families, heldOut });
  }
  return selected;
}

/** The env's runtime spec with its task sets; under docker they are checked first (see selectEnvs). */
export async function envSpec(manifest: EnvManifest, runtime: 'docker' | 'local', tasks: readonly string[] | undefined): Promise<EnvServerSpec> {
  if (!tasks) return specFor(manifest, runtime);
  if (runtime === 'docker') resolveTaskPaths(tasks, taskReaderOf(manifest.docker?.user ?? SERVER_USER));
  return { ...(await specFor(manifest, runtime)), tasks };
}

export interface MatchedEnv {
  name: string;
  manifest: EnvManifest;
  families: string[];
  /** The matched families the catalogue holds out of training (TaskFamily.held_out). */
  heldOut: string[];
}

/**
 * The registry's envs and families that match --env and --family (each env opened in this
 * process with its --tasks sets), without starting or building anything (a dry run stops here).
 * Envs with no matching family are left out; none at all is refused, listing the families.
 */
export async function matchFamilies(
  names: readonly string[] | undefined,
  family: string | undefined,
  expert?: ExpertAsk,
  tasks: TaskSets = {},
): Promise<MatchedEnv[]> {
  const match = family ? picomatch(family) : () => true;
  const matched: MatchedEnv[] = [];
  const listed: string[] = [];
  for (const manifest of findEnvs(names)) {
    const paths = tasks[manifest.name];
    const env = await manifest.create(paths ? { tasks: paths } : undefined);
    const all = env.families();
    await env.close?.();
    listed.push(...all.map((f) => f.id!));
    const families = all.filter((f) => match(f.id!));
    if (families.length === 0) continue;
    checkExpert(expert, families);
    matched.push({ name: manifest.name, manifest, families: families.map((f) => f.id!), heldOut: families.filter((f) => f.heldOut).map((f) => f.id!) });
  }
  if (matched.length === 0) {
    throw new UsageError(`no task family matches${family ? ` --family ${JSON.stringify(family)}` : ''}; the families: ${listFamilies(listed)}`);
  }
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

import { availableParallelism, freemem, totalmem } from 'node:os';
import { HARDENED_DEFAULTS, type EnvPoolOptions, type EnvServerSpec } from '@workgym/runtime';

/** Episodes in flight per env: a number, or `auto` (sized from the host and each env's limits). */
export type Parallel = number | 'auto';

/**
 * What paces an agent's episodes: its own CPU (expert, random, replay, an in-process policy),
 * or waiting on something elsewhere (a model server), which leaves the host's cores free.
 */
export type Pacing = 'cpu' | 'remote';

/** What one env of a run needs, from its manifest's container limits. */
export interface EnvNeeds {
  name: string;
  /** Episodes left to run: never more lanes than these. */
  episodes: number;
  /** Memory limit of one container. */
  memoryBytes: number;
  /** CPU limit of one session (the manifest's nanoCpus is per session). */
  nanoCpus: number;
  /** Sessions one container serves at once. */
  sessionsPerContainer: number;
}

export interface HostCapacity {
  cores: number;
  availableMemoryBytes: number;
}

export interface EnvParallelism {
  env: string;
  /** Episodes in flight at once. */
  lanes: number;
  containers: number;
  sessionsPerContainer: number;
  /** CPU limit of one container: its sessions share it. */
  nanoCpusPerContainer: number;
  /** Why an explicit --parallel was cut down, in one line. */
  warning?: string;
}

/** Share of the available memory a run's warm containers may take, leaving room for the runner and the page cache. */
export const MEMORY_SHARE = 0.8;
/**
 * Lanes per core, per env, for CPU-paced agents. An episode in flight leaves its core idle part of
 * the time (the browser's settle windows, round trips, processes starting): measured on 2 cores,
 * one browser container ran 111 expert episodes/min with 2 lanes and 148 with 4.
 */
export const CPU_LANES_PER_CORE = 2;
/** Lanes per core, per env, for agents that mostly wait on a model server. */
export const REMOTE_LANES_PER_CORE = 8;

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Lanes and containers per env. Every env's containers are warm at once, so each env gets an
 * equal share of MEMORY_SHARE of the available memory. `auto` gives a CPU-paced agent CPU_LANES_PER_CORE
 * lanes per core per env (an env alone fills the machine once the others are done; while all run
 * the kernel shares the cores) and a remote-paced one up to REMOTE_LANES_PER_CORE
 * per core; an explicit number is cut to what fits in memory, with a warning.
 */
export function planParallelism(requested: Parallel, envs: readonly EnvNeeds[], host: HostCapacity, pacing: Pacing): EnvParallelism[] {
  const running = envs.filter((env) => env.episodes > 0).length;
  const budget = (MEMORY_SHARE * host.availableMemoryBytes) / Math.max(1, running);
  const wanted = requested !== 'auto' ? requested : (pacing === 'cpu' ? CPU_LANES_PER_CORE : REMOTE_LANES_PER_CORE) * host.cores;
  return envs.map((env) => {
    const perContainer = Math.max(1, env.sessionsPerContainer);
    const fit = Math.max(1, Math.floor(budget / env.memoryBytes)) * perContainer;
    const lanes = Math.max(0, Math.min(wanted, fit, env.episodes));
    const containers = Math.ceil(lanes / perContainer);
    const busiest = containers > 0 ? Math.ceil(lanes / containers) : 0;
    const plan: EnvParallelism = {
      env: env.name,
      lanes,
      containers,
      sessionsPerContainer: perContainer,
      nanoCpusPerContainer: Math.min(host.cores * 1e9, Math.max(1, busiest) * env.nanoCpus),
    };
    if (requested !== 'auto' && requested > fit && env.episodes > fit) {
      plan.warning =
        `--parallel ${requested} is more than fits: ${env.name} runs ${lanes} (${containers} container${containers === 1 ? '' : 's'} of ` +
        `${Math.round(env.memoryBytes / MiB)} MiB, ${perContainer} episode${perContainer === 1 ? '' : 's'} each, in ${Math.round(MEMORY_SHARE * 100)}% of ` +
        `${(host.availableMemoryBytes / GiB).toFixed(1)} GiB available memory shared by ${running} env${running === 1 ? '' : 's'})`;
    }
    return plan;
  });
}

/** This machine's cores and the memory free to it: the lower of what the OS has available and the process's cgroup limit. */
export function hostCapacity(): HostCapacity {
  const limit = process.constrainedMemory?.() ?? 0;
  // Without a cgroup limit Node reports 0 or a huge sentinel: only a limit below the machine's memory counts.
  const constrained = limit > 0 && limit < totalmem() ? limit : Infinity;
  return { cores: availableParallelism(), availableMemoryBytes: Math.min(freemem(), constrained) };
}

/** The plan in one line: per env its lanes and containers. */
export function describeParallelism(plan: readonly EnvParallelism[]): string {
  const parts = plan
    .filter((env) => env.lanes > 0)
    .map(
      (env) =>
        `${env.env} ${env.lanes} in flight on ${env.containers} container${env.containers === 1 ? '' : 's'} (${env.nanoCpusPerContainer / 1e9} CPU each)`,
    );
  return `parallel: ${parts.join(', ') || 'nothing to run'}`;
}

/** An env's needs from its server spec: the container limits it declares, else the hardened defaults. */
export function envNeeds(spec: EnvServerSpec, episodes: number): EnvNeeds {
  return {
    name: spec.name,
    episodes,
    memoryBytes: spec.docker?.memoryBytes ?? HARDENED_DEFAULTS.memoryBytes,
    nanoCpus: spec.docker?.nanoCpus ?? HARDENED_DEFAULTS.nanoCpus,
    sessionsPerContainer: spec.sessionsPerContainer ?? 1,
  };
}

/** The pool an env's plan asks for: its lanes packed on containers whose CPU limit covers the sessions on them. */
export function poolOptions(spec: EnvServerSpec, plan: EnvParallelism): Pick<EnvPoolOptions, 'spec' | 'lanes' | 'sessionsPerInstance'> {
  return {
    spec: { ...spec, docker: { ...spec.docker, nanoCpus: plan.nanoCpusPerContainer } },
    lanes: plan.lanes,
    sessionsPerInstance: plan.sessionsPerContainer,
  };
}

/** Hands the plan to `onPlan`, or else logs the warning of each env it capped. */
export function reportPlan(plan: readonly EnvParallelism[], onPlan?: (plan: readonly EnvParallelism[]) => void, log?: (line: string) => void): void {
  if (onPlan) onPlan(plan);
  else for (const env of plan) if (env.warning) log?.(env.warning);
}

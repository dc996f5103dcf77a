// CPU time a benchmark spent, in its env containers and in its own process: divided by the cores,
// it is the least wall time any schedule of the same work could take on this machine. It also
// keeps each env's live container memory, for the memory an episode holds.
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { connectDocker, LABEL_ENV, LABEL_RUN } from '@workgym/runtime';

export interface CpuSpent {
  /** CPU seconds of each env's containers, by env name, as polled (a lower bound). */
  byEnv: Map<string, number>;
  /** CPU seconds of all containers, in full where the engine's parent cgroup can be read, else as polled. */
  containers: number;
  /** CPU seconds of this process: the orchestration, the trainers and the policies answering. */
  bench: number;
  /** CPU seconds of the Docker engine's daemons (dockerd, containerd; not the short-lived per-container shims). */
  engine: number;
  total: number;
  cores: number;
  /** total / cores: no schedule of this work finishes sooner on this machine (ms). */
  floorMs: number;
  /** Share of the machine's CPU time that was busy, whoever used it (from /proc/stat). */
  hostBusy: number;
}

interface Reading {
  /** CPU the container used since it started (ns). */
  cpuNs?: number;
  /** What it holds in memory, as `docker stats` shows it: usage less the reclaimable file cache. */
  memoryBytes?: number;
}

/**
 * Polls the CPU and memory of the containers labelled with `runId` every `everyMs` and keeps each
 * container's latest reading. Readings come from the container's cgroup files (cgroup v1 with the
 * cgroupfs driver, as here: cheap enough to read often) or else from the engine's stats call. A
 * container's last interval before it is removed is not seen, so the per-env figures are a lower
 * bound; `containers`, read from the engine's parent cgroup, counts every container in full.
 */
export async function meterCpu(
  runId: string,
  everyMs = 250,
): Promise<{ stop(): Promise<CpuSpent>; /** Memory the env's running containers use now (bytes). */ liveMemory(env: string): number }> {
  const docker = await connectDocker();
  const latest = new Map<string, { env: string; ns: number }>();
  let memory = new Map<string, number>();
  const startCpu = process.cpuUsage();
  const startEngine = await engineCpuSeconds();
  const startHost = await hostCpu();
  const startContainers = await allContainersCpuNs();
  const read = async (id: string): Promise<Reading> => {
    const fromCgroup = await cgroupReading(id);
    if (fromCgroup) return fromCgroup;
    // One-shot: the engine answers at once instead of sampling twice a second apart. A container
    // removed mid-call can leave the call unanswered: it must not stop the polling.
    const reading = docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false });
    const stats = (await Promise.race([reading, setTimeout(5000, undefined)]).catch(() => undefined)) as
      { cpu_stats?: { cpu_usage?: { total_usage?: number } }; memory_stats?: { usage?: number; stats?: Record<string, number> } } | undefined;
    const usage = stats?.memory_stats?.usage;
    const cache = stats?.memory_stats?.stats ?? {};
    return {
      cpuNs: stats?.cpu_stats?.cpu_usage?.total_usage,
      memoryBytes: usage === undefined ? undefined : usage - (cache.total_inactive_file ?? cache.inactive_file ?? 0),
    };
  };
  const poll = async () => {
    const running = await docker.listContainers({ filters: { label: [`${LABEL_RUN}=${runId}`] } });
    const now = new Map<string, number>();
    await Promise.all(
      running.map(async (c) => {
        const env = c.Labels[LABEL_ENV] ?? c.Image;
        const { cpuNs, memoryBytes } = await read(c.Id);
        // CPU only grows: a container that stopped between the listing and the reading reads 0.
        if (cpuNs !== undefined) latest.set(c.Id, { env, ns: Math.max(cpuNs, latest.get(c.Id)?.ns ?? 0) });
        if (memoryBytes !== undefined) now.set(env, (now.get(env) ?? 0) + memoryBytes);
      }),
    );
    memory = now;
  };
  let stopped = false;
  const polling = (async () => {
    while (!stopped) {
      await poll().catch(() => undefined);
      await setTimeout(everyMs);
    }
  })();
  return {
    liveMemory: (env) => memory.get(env) ?? 0,
    async stop() {
      stopped = true;
      await polling;
      const byEnv = new Map<string, number>();
      for (const { env, ns } of latest.values()) byEnv.set(env, (byEnv.get(env) ?? 0) + ns / 1e9);
      const own = process.cpuUsage(startCpu);
      const bench = (own.user + own.system) / 1e6;
      const engine = (await engineCpuSeconds()) - startEngine;
      const host = await hostCpu();
      const endContainers = await allContainersCpuNs();
      const metered = [...byEnv.values()].reduce((a, b) => a + b, 0);
      const containers = startContainers !== undefined && endContainers !== undefined ? (endContainers - startContainers) / 1e9 : metered;
      const total = bench + engine + containers;
      const cores = availableParallelism();
      const hostBusy = 1 - (host.idle - startHost.idle) / (host.total - startHost.total);
      return { byEnv, containers, bench, engine, total, cores, floorMs: (total / cores) * 1000, hostBusy };
    },
  };
}

const CGROUP_V1 = '/sys/fs/cgroup';

async function cgroupReading(id: string): Promise<Reading | undefined> {
  const [usage, memoryUsage, memoryStat] = await Promise.all([
    readFile(`${CGROUP_V1}/cpuacct/docker/${id}/cpuacct.usage`, 'utf8'),
    readFile(`${CGROUP_V1}/memory/docker/${id}/memory.usage_in_bytes`, 'utf8'),
    readFile(`${CGROUP_V1}/memory/docker/${id}/memory.stat`, 'utf8'),
  ]).catch(() => []);
  if (usage === undefined || memoryUsage === undefined || memoryStat === undefined) return undefined;
  const inactive = Number(/^total_inactive_file (\d+)$/m.exec(memoryStat)?.[1] ?? 0);
  return { cpuNs: Number(usage), memoryBytes: Number(memoryUsage) - inactive };
}

/** CPU of every container the engine ran, removed ones included (the parent cgroup keeps their usage). */
async function allContainersCpuNs(): Promise<number | undefined> {
  const usage = await readFile(`${CGROUP_V1}/cpuacct/docker/cpuacct.usage`, 'utf8').catch(() => undefined);
  return usage === undefined ? undefined : Number(usage);
}

async function hostCpu(): Promise<{ idle: number; total: number }> {
  const ticks = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: ticks[3]! + ticks[4]!, total: ticks.reduce((a, b) => a + b, 0) };
}

/** CPU seconds of the engine's daemons so far: what the runtime costs outside the containers. */
async function engineCpuSeconds(): Promise<number> {
  let sum = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const name = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
    if (name !== 'dockerd' && name !== 'containerd') continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    sum += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return sum;
}

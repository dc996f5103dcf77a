// CPU time a benchmark spent, in its env containers and in its own process: divided by the cores,
// it is the least wall time any schedule of the same work could take on this machine. It also
// keeps each env's live container memory, for the memory an episode holds.
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { connectDocker, LABEL_ENV, LABEL_RUN } from '@workgym/runtime';

export interface CpuSpent {
  /** CPU seconds of each env's containers, by env name (every container the run started). */
  byEnv: Map<string, number>;
  /** CPU seconds of this process: the orchestration, the trainers and the policies answering. */
  bench: number;
  /** CPU seconds of the Docker engine (dockerd, containerd and the containers' shims). */
  engine: number;
  total: number;
  cores: number;
  /** total / cores: no schedule of this work finishes sooner on this machine (ms). */
  floorMs: number;
  /** Share of the machine's CPU time that was busy, whoever used it (from /proc/stat). */
  hostBusy: number;
}

interface ContainerStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/**
 * Polls the CPU and memory counters of the containers labelled with `runId` every `everyMs` and
 * keeps each container's latest reading. A container's last interval before it is removed is not
 * seen, so the container figures are a lower bound (by at most `everyMs` of CPU per container).
 */
export async function meterCpu(
  runId: string,
  everyMs = 1000,
): Promise<{ stop(): Promise<CpuSpent>; /** Memory the env's running containers use now (bytes). */ liveMemory(env: string): number }> {
  const docker = await connectDocker();
  const latest = new Map<string, { env: string; ns: number }>();
  let memory = new Map<string, number>();
  const startCpu = process.cpuUsage();
  const startEngine = await engineCpuSeconds();
  const startHost = await hostCpu();
  const poll = async () => {
    const running = await docker.listContainers({ filters: { label: [`${LABEL_RUN}=${runId}`] } });
    const now = new Map<string, number>();
    await Promise.all(
      running.map(async (c) => {
        // One-shot: the engine answers at once instead of sampling twice a second apart. A container
        // removed mid-call can leave the call unanswered: it must not stop the polling.
        const reading = docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true } as { stream: false });
        const stats = (await Promise.race([reading, setTimeout(5000, undefined)]).catch(() => undefined)) as ContainerStats | undefined;
        const env = c.Labels[LABEL_ENV] ?? c.Image;
        const ns = stats?.cpu_stats?.cpu_usage?.total_usage;
        if (typeof ns === 'number') latest.set(c.Id, { env, ns });
        const bytes = residentBytes(stats);
        if (bytes !== undefined) now.set(env, (now.get(env) ?? 0) + bytes);
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
      const total = [...byEnv.values()].reduce((a, b) => a + b, bench + engine);
      const cores = availableParallelism();
      const hostBusy = 1 - (host.idle - startHost.idle) / (host.total - startHost.total);
      return { byEnv, bench, engine, total, cores, floorMs: (total / cores) * 1000, hostBusy };
    },
  };
}

/** What the container holds in memory, as `docker stats` shows it: usage less the reclaimable file cache. */
function residentBytes(stats: ContainerStats | undefined): number | undefined {
  const usage = stats?.memory_stats?.usage;
  if (typeof usage !== 'number') return undefined;
  const s = stats?.memory_stats?.stats ?? {};
  return usage - (s.total_inactive_file ?? s.inactive_file ?? 0);
}

async function hostCpu(): Promise<{ idle: number; total: number }> {
  const ticks = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: ticks[3]! + ticks[4]!, total: ticks.reduce((a, b) => a + b, 0) };
}

/** CPU seconds of the engine's processes so far (dockerd, containerd, the shims): what the runtime costs outside the containers. */
async function engineCpuSeconds(): Promise<number> {
  let sum = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const name = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
    if (!/^(dockerd|containerd|containerd-shim.*)$/.test(name)) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    sum += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return sum;
}

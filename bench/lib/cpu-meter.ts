// CPU time a benchmark spent, in its env containers and in its own process: divided by the cores,
// it is the least wall time any schedule of the same work could take on this machine.
import { availableParallelism } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { connectDocker, LABEL_ENV, LABEL_RUN } from '@workgym/runtime';

export interface CpuSpent {
  /** CPU seconds of each env's containers, by env name (every container the run started). */
  byEnv: Map<string, number>;
  /** CPU seconds of this process: the orchestration, the trainers and the policies answering. */
  bench: number;
  total: number;
  cores: number;
  /** total / cores: no schedule of this work finishes sooner on this machine (ms). */
  floorMs: number;
}

/**
 * Polls the CPU counters of the containers labelled with `runId` every `everyMs` and keeps each
 * container's latest reading. A container's last interval before it is removed is not seen, so
 * the container figures are a lower bound (by at most `everyMs` of CPU per container).
 */
export async function meterCpu(runId: string, everyMs = 1000): Promise<{ stop(): Promise<CpuSpent> }> {
  const docker = await connectDocker();
  const latest = new Map<string, { env: string; ns: number }>();
  const startCpu = process.cpuUsage();
  const poll = async () => {
    const running = await docker.listContainers({ filters: { label: [`${LABEL_RUN}=${runId}`] } });
    await Promise.all(
      running.map(async (c) => {
        // One-shot: the engine answers at once instead of sampling twice a second apart. A container
        // removed mid-call can leave the call unanswered: it must not stop the polling.
        const reading = docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true } as { stream: false });
        const stats = (await Promise.race([reading, setTimeout(5000, undefined)]).catch(() => undefined)) as
          { cpu_stats?: { cpu_usage?: { total_usage?: number } } } | undefined;
        const ns = stats?.cpu_stats?.cpu_usage?.total_usage;
        if (typeof ns === 'number') latest.set(c.Id, { env: c.Labels[LABEL_ENV] ?? c.Image, ns });
      }),
    );
  };
  let stopped = false;
  const polling = (async () => {
    while (!stopped) {
      await poll().catch(() => undefined);
      await setTimeout(everyMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await polling;
      const byEnv = new Map<string, number>();
      for (const { env, ns } of latest.values()) byEnv.set(env, (byEnv.get(env) ?? 0) + ns / 1e9);
      const own = process.cpuUsage(startCpu);
      const bench = (own.user + own.system) / 1e6;
      const total = [...byEnv.values()].reduce((a, b) => a + b, bench);
      const cores = availableParallelism();
      return { byEnv, bench, total, cores, floorMs: (total / cores) * 1000 };
    },
  };
}

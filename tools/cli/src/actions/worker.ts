import { hostname } from 'node:os';
import { parseQueueUrl, probeQueue, startQueueWorker, type WorkerEvent } from '@workgym/agents/distributed';
import type { Parallel } from '@workgym/agents';
import type { EnvServerSpec } from '@workgym/runtime';
import { workerAgent } from '../agent-spec.js';
import { findEnvs, envNames } from '../env-registry.js';
import { printPlan } from '../dry-run.js';
import { parallelismPrinter } from '../parallel-plan.js';
import { stallMsFromEnvironment } from '../queue-address.js';
import { assignTaskSets, describeTaskSets } from '../task-sets.js';
import { UsageError } from '../usage-error.js';
import { envSpec, makeRuntime } from './select-envs.js';

interface WorkerFlags {
  queue?: string;
  queueName?: string;
  env?: string[];
  parallel: Parallel;
  runtime: 'docker' | 'local';
  tasks?: string[];
  drainS: number;
  apiKeyEnv?: string[];
  dryRun?: boolean;
}

/** `workgym worker`: serves a queue's episodes of the envs named until a signal drains it. */
export async function workerCommand(flags: WorkerFlags): Promise<void> {
  if (!flags.queue) throw new UsageError('workgym worker needs --queue redis://HOST:PORT (the Redis the coordinator queues on)');
  const queue = parseQueueUrl(flags.queue, process.env, flags.queueName);
  const manifests = findEnvs(flags.env);
  const tasks = assignTaskSets(flags.tasks, flags.env, envNames());
  const keyVariables = flags.apiKeyEnv ?? ['OPENAI_API_KEY'];
  const stallMs = stallMsFromEnvironment();
  const served = {
    envs: manifests.map((m) => m.name).join(', '),
    queue: `${queue.url}, name ${flags.queueName ?? 'workgym'}`,
    'in flight': `${flags.parallel} episode(s) per env`,
    runtime: flags.runtime,
    tasks: describeTaskSets(tasks),
    'api keys from': keyVariables.join(', '),
  };
  if (flags.dryRun) return printPlan('worker', served);

  // A wrong address or password fails here, in one line; later the connection waits out an outage.
  await probeQueue(queue);
  const runtime = await makeRuntime(flags.runtime);
  // Each env's spec once (under docker its image is built now, not at the first episode), with the
  // task sets this worker serves; a job gets the spec with its own sets, which must be among them.
  const specs = new Map<string, EnvServerSpec>();
  for (const manifest of manifests) specs.set(manifest.name, await envSpec(manifest, flags.runtime, tasks[manifest.name]));
  const worker = await startQueueWorker({
    queue,
    runtime,
    envs: [...specs.keys()],
    parallel: flags.parallel,
    workerId: `${hostname()}:${process.pid}`,
    stallMs,
    envSpec: (env, jobTasks) => specWithTasks(specs, env, jobTasks),
    makeAgent: (spec) => workerAgent(spec, { parallel: flags.parallel, keyVariables }),
    onEvent: printEvent,
    onPlan: parallelismPrinter('worker'),
  });
  console.log(
    `workgym worker ${hostname()}:${process.pid} serving ${served.envs} (${served['in flight']}, ${flags.runtime} runtime) from ${served.queue}; SIGTERM drains within ${flags.drainS} s`,
  );
  // One handler from now to the end: the first signal drains, a second quits at once. While it
  // is there, the docker runtime leaves the containers to the drain (exit-cleanup.ts).
  let signalled!: () => void;
  const firstSignal = new Promise<void>((resolve) => (signalled = resolve));
  let signals = 0;
  const onSignal = () => (++signals === 1 ? signalled() : process.exit(130));
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    await firstSignal;
    process.stderr.write(`[worker] draining: no new episode; those in flight finish or, after ${flags.drainS} s, go back to the queue\n`);
    const { finished, returned } = await worker.drain(flags.drainS * 1000);
    process.stderr.write(`[worker] drained: ${finished} episode(s) played in all, ${returned} given back to the queue; exiting\n`);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

/** The env's spec with the job's task sets: only sets this worker was given (--tasks), since a job is data anyone on the queue can write. */
function specWithTasks(specs: ReadonlyMap<string, EnvServerSpec>, env: string, jobTasks: readonly string[] | undefined): EnvServerSpec {
  const spec = specs.get(env);
  if (!spec) throw new UsageError(`this worker does not serve the ${env} env`);
  const unknown = (jobTasks ?? []).filter((path) => !spec.tasks?.includes(path));
  if (unknown.length > 0) throw new UsageError(`task set ${unknown.join(', ')} is not served by this worker (workgym worker --tasks ${env}=PATH)`);
  return { ...spec, tasks: jobTasks?.length ? [...jobTasks] : undefined };
}

/** One line per episode event on stderr: what this worker does, for its operator. */
function printEvent(event: WorkerEvent): void {
  process.stderr.write(`[worker] ${describeEvent(event)}\n`);
}

function describeEvent(event: WorkerEvent): string {
  switch (event.kind) {
    case 'started':
      return `${event.episodeId}: started`;
    case 'done':
      return `${event.episodeId}: ${event.status}${event.attempts > 1 ? ` after ${event.attempts} attempts` : ''}, result sent (${event.bytes} bytes)`;
    case 'refused':
      return `${event.episodeId}: refused: ${event.reason}`;
    case 'returned':
      return `${event.episodeId}: given back to the queue unfinished`;
    case 'error':
      return `error: ${event.message}`;
  }
}

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EpisodeSpec, Observation, Session } from '@workgym/protocol';
import { CounterEnv } from '@workgym/protocol/testing';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { ExpertAgent, type Agent } from '../src/index.js';
import {
  agentFromSpec,
  startQueueWorker,
  type DistributedRolloutConfig,
  type QueueAddress,
  type QueueWorker,
  type QueueWorkerOptions,
} from '../src/distributed/index.js';

// Distributed rollouts on the counter env, in this process: the coordinator and each worker
// have their own Redis connections, and each worker its own in-process runtime.

let queues = 0;
/** A queue of its own on the test's Redis, so that tests sharing one server never meet. */
export const queueOn = (url: string): QueueAddress => ({ url, name: `test-${process.pid}-${++queues}` });

export async function coordinatorConfig(queue: QueueAddress, overrides: Partial<DistributedRolloutConfig> = {}): Promise<DistributedRolloutConfig> {
  return {
    queue,
    agentSpec: { kind: 'expert', seed: 10 },
    agentInfo: new ExpertAgent().info,
    envs: [{ name: 'counter', spec: inProcessSpec('counter'), families: ['counter/reach-target'] }],
    out: join(await mkdtemp(join(tmpdir(), 'workgym-distributed-')), 'run'),
    tasksPerFamily: 4,
    group: 2,
    split: 'train',
    seed: 10,
    // The expert's `walk` strategy (odd seeds) takes up to ~110 steps.
    limits: { maxSteps: 120, stepDeadlineMs: 10_000, episodeDeadlineMs: 60_000 },
    pollMs: 200,
    ...overrides,
  };
}

/** A worker serving the counter env in this process. */
export function counterWorker(queue: QueueAddress, overrides: Partial<QueueWorkerOptions> = {}): QueueWorker {
  return startQueueWorker({
    queue,
    runtime: new InProcessRuntime({ counter: () => new CounterEnv(8) }),
    envSpec: (env) => {
      if (env !== 'counter') throw new Error(`unknown env ${env} (known: counter)`);
      return inProcessSpec(env);
    },
    makeAgent: (spec) => agentFromSpec(spec),
    envs: ['counter'],
    parallel: 2,
    stallMs: 2_000,
    ...overrides,
  });
}

/** The counter env with a "screenshot" (bytes that name the counter's value) in every observation: episodes that store blobs. */
export class PictureCounterEnv extends CounterEnv {
  override async reset(spec: EpisodeSpec): Promise<Session> {
    const session = await super.reset(spec);
    const framed = (o: Observation): Observation => ({ ...o, images: [{ data: Buffer.from(`frame: ${o.text}`), mimeType: 'image/png', label: 'screen' }] });
    const close = () => session.close();
    return {
      instruction: session.instruction,
      tools: session.tools,
      get observation() {
        return framed(session.observation);
      },
      step: async (call, signal) => {
        const outcome = await session.step(call, signal);
        return { ...outcome, observation: framed(outcome.observation) };
      },
      verify: (signal) => session.verify(signal),
      expert: (signal, strategy) => session.expert!(signal, strategy),
      close,
      [Symbol.asyncDispose]: close,
    };
  }
}

/** The expert, `delayMs` slower at each step (so that a test can act while episodes run). */
export function slowExpert(delayMs: number): Agent {
  const expert = new ExpertAgent();
  return {
    info: expert.info,
    act: async (context, signal) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return expert.act(context, signal);
    },
  };
}

/** An agent that never acts until its episode is stopped. */
export const hangingAgent = (): Agent => ({
  info: new ExpertAgent().info,
  act: (_context, signal) =>
    new Promise((_, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
});

export async function recordsOf(dir: string): Promise<EpisodeRecord[]> {
  await using reader = await openRun(dir);
  const all: EpisodeRecord[] = [];
  for await (const record of reader.records()) all.push(record);
  return all;
}

export const plannedIds = (seeds: number[], group: number): string[] =>
  seeds.flatMap((seed) => Array.from({ length: group }, (_, sample) => `counter/reach-target:train:${seed}:${sample}`)).sort();

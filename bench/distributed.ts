// Distributed rollouts (issue 18): the same expert run in-process (rollout(), no queue) and through
// BullMQ on a real redis-server with one coordinator and 1, 2, 3 worker processes on this machine;
// per episode: the queue's added time, Redis commands, bytes and Redis CPU; and a step's round
// trip through `workgym gateway` against the same step straight to a stdio server.
//   node --conditions=source --import tsx bench/distributed.ts [--counter 300] [--code 20] [--parallel 2] [--workers 1,2,3]
// Every worker has --parallel lanes per env; the in-process baseline has the same lanes as one worker.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ExpertAgent, rollout } from '@workgym/agents';
import { distributedRollout } from '@workgym/agents/distributed';
import { counterServerEntry } from '@workgym/protocol/testing';
import { buildEnvImage, DockerRuntime, EnvPool, manifestServerSpec, type EnvServerSpec } from '@workgym/runtime';
import { manifest as code } from '@workgym/env-code';
import { manifest as browser } from '@workgym/env-browser';
import { startRedis, type RedisServer } from '../agents/test/redis-server.js';
import { measureGatewayRoundTrip } from './lib/gateway-round-trip.js';
import { printTable } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    counter: { type: 'string', default: '300' },
    code: { type: 'string', default: '20' },
    browser: { type: 'string', default: '6' },
    parallel: { type: 'string', default: '2' },
    workers: { type: 'string', default: '1,2,3' },
  },
});
function count(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench/distributed: --${name} must be a whole number of at least 1, not ${JSON.stringify(text)}`);
    process.exit(1);
  }
  return n;
}
const parallel = count('parallel', args.parallel);
const workerCounts = args.workers.split(',').map((n) => count('workers', n));

interface BenchEnv {
  name: string;
  spec: EnvServerSpec;
  family: string;
  episodes: number;
  resetOptions?: Record<string, unknown>;
}

const bundleDir = join(tmpdir(), 'workgym-bench');
const counterImage = await buildEnvImage({ name: 'counter', serverEntry: counterServerEntry, bundleOut: join(bundleDir, 'counter', 'server.mjs') });
const envs: BenchEnv[] = [
  {
    name: 'counter',
    spec: { name: 'counter', serverBundle: counterImage.bundle, image: counterImage.tag },
    family: 'counter/reach-target',
    episodes: count('counter', args.counter),
  },
  { name: 'code', spec: await manifestServerSpec(code, { runtime: 'docker', bundleDir }), family: 'code/py-fix-bug', episodes: count('code', args.code) },
];
const screenshots: BenchEnv = {
  name: 'browser',
  spec: await manifestServerSpec(browser, { runtime: 'docker', bundleDir }),
  family: 'browser/shop-buy-cheapest',
  episodes: count('browser', args.browser),
  resetOptions: { screenshots: true },
};

const runtime = new DockerRuntime({ runId: `bench-distributed-${process.pid}` });
const limits = { maxSteps: 60, stepDeadlineMs: 60_000, episodeDeadlineMs: 600_000 };
const plan = (env: BenchEnv) => ({
  envs: [{ name: env.name, spec: env.spec, families: [env.family] }],
  tasksPerFamily: env.episodes,
  group: 1,
  split: 'train',
  seed: 1,
  limits,
  resetOptions: env.resetOptions,
});

interface Measured {
  episodes: number;
  success: number;
  wallMs: number;
  redis?: RedisCounters;
}

const progress = (line: string) => process.stderr.write(`[bench/distributed] ${line}\n`);

async function inProcess(env: BenchEnv): Promise<Measured> {
  progress(`${env.name}: in-process`);
  // Warm first, as the queue's workers are (below): the figures compare steady states.
  await using pool = await EnvPool.create({ runtime, spec: env.spec, size: parallel });
  return await inRunFolder(async (out) => {
    const started = performance.now();
    const outcome = await rollout({ ...plan(env), runtime, agent: new ExpertAgent(), out, parallel, pools: new Map([[env.name, pool]]) });
    const e = outcome.stats.envs[0]!;
    return { episodes: e.done, success: e.success, wallMs: performance.now() - started };
  });
}

async function distributed(env: BenchEnv, redis: RedisServer, workers: number): Promise<Measured> {
  progress(`${env.name}: queue, ${workers} worker(s)`);
  const queue = { url: redis.url, name: `bench-${env.name}-${workers}` };
  const processes = await Promise.all(Array.from({ length: workers }, (_, i) => startWorker(queue, `w${i + 1}`, env)));
  try {
    const run = (out: string, tasksPerFamily: number) =>
      distributedRollout({
        ...plan(env),
        tasksPerFamily,
        out,
        queue,
        agentSpec: { kind: 'expert', seed: 1 },
        agentInfo: new ExpertAgent().info,
      });
    // Warm-up: enough episodes that every worker has started its pool.
    await inRunFolder((out) => run(out, workers * parallel * 2));
    return await inRunFolder(async (out) => {
      const before = redisCounters(redis.port);
      const started = performance.now();
      const outcome = await run(out, env.episodes);
      const wallMs = performance.now() - started;
      const e = outcome.stats.envs[0]!;
      if (outcome.failed.length) throw new Error(`failed jobs: ${outcome.failed.map((f) => f.reason).join('; ')}`);
      return { episodes: e.done, success: e.success, wallMs, redis: difference(redisCounters(redis.port), before) };
    });
  } finally {
    await Promise.all(processes.map(stopWorker));
  }
}

async function inRunFolder<T>(work: (out: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'workgym-bench-distributed-'));
  try {
    return await work(join(dir, 'run'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function startWorker(queue: { url: string; name: string }, workerId: string, env: BenchEnv): Promise<ChildProcess> {
  const config = JSON.stringify({ queue, parallel, workerId, specs: { [env.name]: env.spec } });
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'lib', 'queue-worker-process.ts'), config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => line === 'ready' && resolve());
    child.once('exit', (code) => reject(new Error(`worker ${workerId} exited (${code}) before it was ready`)));
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

type RedisCounters = Record<'commands' | 'bytesIn' | 'bytesOut' | 'cpuMs', number>;

/** Redis's own counters (`INFO`): commands processed, network bytes each way, CPU time. */
function redisCounters(port: number): RedisCounters {
  const info = execFileSync('redis-cli', ['-p', String(port), 'INFO'], { encoding: 'utf8' });
  const field = (name: string) => Number(info.match(new RegExp(`^${name}:(\\S+)`, 'm'))?.[1] ?? NaN);
  return {
    commands: field('total_commands_processed'),
    bytesIn: field('total_net_input_bytes'),
    bytesOut: field('total_net_output_bytes'),
    cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
  };
}

function difference(after: RedisCounters, before: RedisCounters): RedisCounters {
  return {
    commands: after.commands - before.commands,
    bytesIn: after.bytesIn - before.bytesIn,
    bytesOut: after.bytesOut - before.bytesOut,
    cpuMs: after.cpuMs - before.cpuMs,
  };
}

const perMinute = (m: Measured) => m.episodes / (m.wallMs / 60_000);
const fixed = (n: number, digits = 1) => n.toFixed(digits);

await using redis = await startRedis({ appendOnly: true });
console.log(
  `load before: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${parallel} lanes per worker; redis-server with its append-only file fsynced on every write`,
);
const rows = [
  [
    'env',
    'mode',
    'episodes',
    'success',
    'episodes/min',
    'vs in-process',
    'added ms/episode/lane',
    'redis cmds/ep',
    'redis KB in/ep',
    'redis KB out/ep',
    'redis CPU ms/ep',
  ],
];
for (const env of envs) {
  const base = await inProcess(env);
  rows.push([
    env.name,
    `in-process, ${parallel} lanes`,
    String(base.episodes),
    `${fixed((100 * base.success) / base.episodes, 0)}%`,
    fixed(perMinute(base)),
    '1.00x',
    '-',
    '-',
    '-',
    '-',
    '-',
  ]);
  for (const workers of workerCounts) {
    const m = await distributed(env, redis, workers);
    const added = workers === 1 ? fixed(((m.wallMs - base.wallMs) / m.episodes) * parallel) : '-';
    const per = (n: number) => n / m.episodes;
    rows.push([
      env.name,
      `queue, ${workers} worker${workers > 1 ? 's' : ''}`,
      String(m.episodes),
      `${fixed((100 * m.success) / m.episodes, 0)}%`,
      fixed(perMinute(m)),
      `${(perMinute(m) / perMinute(base)).toFixed(2)}x`,
      added,
      fixed(per(m.redis!.commands)),
      fixed(per(m.redis!.bytesIn) / 1024),
      fixed(per(m.redis!.bytesOut) / 1024),
      fixed(per(m.redis!.cpuMs), 2),
    ]);
  }
}
const shots = await distributed(screenshots, redis, 1);
const perShot = (n: number) => n / shots.episodes;
rows.push([
  'browser, screenshots on',
  'queue, 1 worker',
  String(shots.episodes),
  `${fixed((100 * shots.success) / shots.episodes, 0)}%`,
  fixed(perMinute(shots)),
  '-',
  '-',
  fixed(perShot(shots.redis!.commands)),
  fixed(perShot(shots.redis!.bytesIn) / 1024),
  fixed(perShot(shots.redis!.bytesOut) / 1024),
  fixed(perShot(shots.redis!.cpuMs), 2),
]);
printTable('Expert episodes: in-process against the queue (docker runtime)', rows);

const trip = await measureGatewayRoundTrip();
printTable('A step through the gateway', [
  ['step round trip (counter env, local runtime)', 'p50 ms', 'p95 ms', 'mean ms'],
  ['stdio server', fixed(trip.local.p50, 3), fixed(trip.local.p95, 3), fixed(trip.local.mean, 3)],
  ['through workgym gateway (loopback WebSocket)', fixed(trip.gateway.p50, 3), fixed(trip.gateway.p95, 3), fixed(trip.gateway.mean, 3)],
  [
    'ratio',
    `${(trip.gateway.p50 / trip.local.p50).toFixed(2)}x`,
    `${(trip.gateway.p95 / trip.local.p95).toFixed(2)}x`,
    `${(trip.gateway.mean / trip.local.mean).toFixed(2)}x`,
  ],
]);
console.log(
  `load after: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

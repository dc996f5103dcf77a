// The transfer matrix in minutes (issue 24 item 5): `transferMatrix` (one warm pool per env for the
// whole matrix, sets evaluated at once) against the sequential path it replaced (each env's expert
// episodes, then each set trained and evaluated alone, every rollout starting its own pools), same
// envs, episodes and trainer, in one run, through the docker runtime as `workgym transfer` uses.
//   node --conditions=source --import tsx bench/transfer.ts [--envs code,spreadsheet,browser] [--train 3] [--test 3]
//     [--parallel 2] [--baseline sequential|none]
// Figures come from the rollouts' own counters (RolloutStats): episodes, statuses, agent and env time;
// CPU time from the env containers' counters and this process's own, whose sum over the cores is the
// least wall time any schedule of the same work could take here.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExpertAgent, rollout, type RolloutStats } from '@workgym/agents';
import type { EnvManifest } from '@workgym/protocol';
import { DockerRuntime, manifestServerSpec } from '@workgym/runtime';
import { manifest as browser } from '@workgym/env-browser';
import { manifest as code } from '@workgym/env-code';
import { manifest as spreadsheet } from '@workgym/env-spreadsheet';
import { embeddedTrainer, endpointAgent, readRecords, runEval, trainingSets, transferMatrix, type EvalEnv } from '@workgym/trainers';
import { meterCpu, type CpuSpent } from './lib/cpu-meter.js';
import { printTable } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    envs: { type: 'string', default: 'code,spreadsheet,browser' },
    train: { type: 'string', default: '3' },
    test: { type: 'string', default: '3' },
    parallel: { type: 'string', default: '2' },
    baseline: { type: 'string', default: 'sequential' },
  },
});
const count = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number of at least 1, not ${JSON.stringify(text)}`);
  return n;
};
function fail(message: string): never {
  console.error(`bench/transfer: ${message}`);
  process.exit(1);
}
const manifests: Record<string, EnvManifest> = { code, spreadsheet, browser };
const wanted = args.envs.split(',');
for (const name of wanted) if (!manifests[name]) fail(`unknown env ${name} (known: ${Object.keys(manifests).join(', ')})`);
if (!['sequential', 'none'].includes(args.baseline)) fail(`--baseline is sequential or none, not ${args.baseline}`);
const settings = { train: count('train', args.train), test: count('test', args.test), parallel: count('parallel', args.parallel), maxSteps: 30 };

async function prepare(manifest: EnvManifest): Promise<EvalEnv> {
  const spec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-bench') });
  const env = await manifest.create();
  const families = env.families().map((f) => f.id!);
  await env.close?.();
  return { name: manifest.name, spec, families };
}

const envs = await Promise.all(wanted.map((name) => prepare(manifests[name]!)));
const runId = `bench-transfer-${process.pid}`;
const runtime = new DockerRuntime({ runId });

interface Measured {
  wallMs: number;
  cpu?: CpuSpent;
  /** Every rollout's counters: the expert episodes' and each set's evaluation. */
  stats: RolloutStats[];
}

/** The matrix as `workgym transfer` builds it. */
async function shared(out: string): Promise<Measured> {
  const progress = new Map<string, RolloutStats>();
  const started = performance.now();
  await transferMatrix({
    runtime,
    envs,
    out,
    trainTasksPerFamily: settings.train,
    testTasksPerFamily: settings.test,
    maxSteps: settings.maxSteps,
    parallel: settings.parallel,
    onProgress: (sets) => sets.forEach((stats, name) => progress.set(name, stats)),
  });
  return { wallMs: performance.now() - started, stats: [...progress.values()] };
}

/** The path it replaced: every step alone, in order, each rollout with pools of its own. */
async function sequential(out: string): Promise<Measured> {
  const stats: RolloutStats[] = [];
  const started = performance.now();
  const limits = { maxSteps: settings.maxSteps, stepDeadlineMs: 60_000, episodeDeadlineMs: 30 * 60_000 };
  const expert: Awaited<ReturnType<typeof readRecords>> = [];
  for (const env of envs) {
    const dir = join(out, 'expert', env.name);
    const outcome = await rollout({
      runtime,
      agent: new ExpertAgent(),
      envs: [env],
      out: dir,
      tasksPerFamily: settings.train,
      group: 1,
      split: 'train',
      seed: 0,
      parallel: settings.parallel,
      limits,
    });
    stats.push(outcome.stats);
    expert.push(...(await readRecords(dir)));
  }
  const trainer = embeddedTrainer();
  for (const [i, set] of [{ name: 'untrained', envs: [] as string[] }, ...trainingSets(envs.map((e) => e.name))].entries()) {
    const dir = join(out, 'sets', String(i));
    const policy = await trainer.train(
      set.name,
      expert.filter((r) => set.envs.includes(r.env ?? '')),
      join(dir, 'policy'),
    );
    let counters: RolloutStats | undefined;
    try {
      await runEval({
        runtime,
        envs,
        agent: endpointAgent(policy.endpoint, { temperature: 0 }),
        out: join(dir, 'eval'),
        tasksPerFamily: settings.test,
        maxSteps: settings.maxSteps,
        parallel: settings.parallel,
        onProgress: (s) => (counters = s),
      });
    } finally {
      await policy.close();
    }
    if (counters) stats.push(counters);
  }
  return { wallMs: performance.now() - started, stats };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

/** One row per env over every rollout of an arm: episodes, statuses, steps, and where the time went. */
function breakdown(arm: string, m: Measured): string[][] {
  return envs.map((env) => {
    const rows = m.stats.flatMap((s) => s.envs.filter((e) => e.env === env.name));
    const sum = (f: (e: (typeof rows)[number]) => number) => rows.reduce((n, e) => n + f(e), 0);
    const done = sum((e) => e.done - e.earlier);
    return [
      arm,
      env.name,
      String(done),
      String(sum((e) => e.statuses.stuck)),
      String(sum((e) => e.statuses.truncated)),
      (sum((e) => e.steps) / Math.max(1, done)).toFixed(1),
      (sum((e) => e.agentMs) / 60_000).toFixed(1),
      (sum((e) => e.envMs) / 60_000).toFixed(1),
      (sum((e) => e.wallMs) / 60_000).toFixed(1),
    ];
  });
}

console.error(`envs ${wanted.join(', ')}; ${settings.train} train / ${settings.test} test episodes per family; parallel ${settings.parallel}; load ${load()}`);
const dir = await mkdtemp(join(tmpdir(), 'workgym-bench-transfer-'));
const arms: [string, Measured][] = [];
const breakdownHead = ['arm', 'env', 'episodes', 'stuck', 'truncated', 'mean steps', 'agent min', 'env min', 'episode wall min'];
/** Runs an arm and prints where its time went at once (a long baseline may be cut short). */
async function measure(arm: string, run: () => Promise<Measured>): Promise<void> {
  const meter = await meterCpu(runId);
  const m = await run();
  m.cpu = await meter.stop();
  arms.push([arm, m]);
  console.error(`${arm}: ${minutes(m.wallMs)} (load ${load()})`);
  printTable(`${arm}: where the time went (minutes summed over episodes in flight; agent: the policy answering, env: env calls)`, [
    breakdownHead,
    ...breakdown(arm, m),
  ]);
  printTable(`${arm}: CPU spent (seconds; containers miss at most their last second)`, cpuTable(m));
}

/** Where the CPU went, and the least wall time it allows on this machine's cores. */
function cpuTable(m: Measured): string[][] {
  const cpu = m.cpu!;
  return [
    [...envs.map((e) => `${e.name} containers`), 'this process', 'total', 'cores', 'CPU floor (total / cores)', 'wall time', 'wall / floor'],
    [
      ...envs.map((e) => (cpu.byEnv.get(e.name) ?? 0).toFixed(0)),
      cpu.bench.toFixed(0),
      cpu.total.toFixed(0),
      String(cpu.cores),
      minutes(cpu.floorMs),
      minutes(m.wallMs),
      (m.wallMs / cpu.floorMs).toFixed(2),
    ],
  ];
}
try {
  const loadBefore = load();
  await measure('workgym (warm pools, sets at once)', () => shared(join(dir, 'shared')));
  if (args.baseline === 'sequential') await measure('baseline: sequential, pools per rollout', () => sequential(join(dir, 'sequential')));
  const base = arms.at(-1)![1].wallMs;
  const episodes = (m: Measured) => m.stats.reduce((n, s) => n + s.newEpisodes, 0);
  printTable(`Transfer matrix, ${wanted.join(' + ')}, ${settings.train} / ${settings.test} per family (load before ${loadBefore}, after ${load()})`, [
    ['arm', 'wall time', 'episodes', 'episodes/min', 'vs baseline'],
    ...arms.map(([arm, m]) => [
      arm,
      minutes(m.wallMs),
      String(episodes(m)),
      (episodes(m) / (m.wallMs / 60_000)).toFixed(1),
      `${(base / m.wallMs).toFixed(2)}x faster`,
    ]),
  ]);
} finally {
  await rm(dir, { recursive: true, force: true });
}

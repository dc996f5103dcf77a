// Throughput of the main job: expert episodes per hour for each env alone and for the three mixed,
// at parallelism 1, 2, 4 and auto, side by side in one run. With each row: how busy the machine's
// cores were, the runner's overhead per env (wall time of an episode neither the agent's nor the
// env's) and the memory a live episode holds per env (its containers' memory over its lanes).
// Run: node --conditions=source --import tsx bench/rollout.ts [env,env,...] [--only counter,code,browser,spreadsheet,mixed] [--rounds N]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpertAgent, rollout, type Parallel, type RolloutStats } from '@workgym/agents';
import type { EnvManifest } from '@workgym/protocol';
import { counterServerEntry } from '@workgym/protocol/testing';
import { buildEnvImage, DockerRuntime, manifestServerSpec, type EnvServerSpec } from '@workgym/runtime';
import { manifest as browser } from '@workgym/env-browser';
import { manifest as code } from '@workgym/env-code';
import { manifest as spreadsheet } from '@workgym/env-spreadsheet';
import { meterCpu, type CpuSpent } from './lib/cpu-meter.js';
import { printTable } from './lib/stats.js';

interface BenchEnv {
  name: string;
  spec: EnvServerSpec;
  families: string[];
  /** Tasks per family: enough that warm-up is a small part of the run at every parallelism. */
  perFamily: number;
}

const PER_FAMILY: Record<string, number> = { counter: 200, code: 5, browser: 4, spreadsheet: 10 };
const MIXED_PER_FAMILY = 6;

async function prepare(manifest: EnvManifest): Promise<BenchEnv> {
  const spec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-bench') });
  const env = await manifest.create();
  const families = env.families().map((f) => f.id!);
  await env.close?.();
  return { name: manifest.name, spec, families, perFamily: PER_FAMILY[manifest.name]! };
}

const counterImage = await buildEnvImage({
  name: 'counter',
  serverEntry: counterServerEntry,
  bundleOut: join(tmpdir(), 'workgym-bench', 'counter', 'server.mjs'),
});
const counter: BenchEnv = {
  name: 'counter',
  spec: { name: 'counter', serverBundle: counterImage.bundle, image: counterImage.tag },
  families: ['counter/reach-target'],
  perFamily: PER_FAMILY.counter!,
};
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]?.split(',') : undefined;
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 1;
const wanted = args[0] && !args[0].startsWith('--') ? args[0].split(',') : undefined;
const envs = await Promise.all([code, browser, spreadsheet].filter((m) => !wanted || wanted.includes(m.name)).map(prepare));

interface Measured {
  episodes: number;
  success: number;
  perHour: number;
  cpu: CpuSpent;
  /** Per env: lanes, runner overhead and median memory per live episode (bytes). */
  byEnv: { env: string; lanes: number; overhead: number; memoryPerLive: number | undefined }[];
}

async function measure(selected: BenchEnv[], parallel: Parallel, tasksPerFamily: number): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'workgym-bench-rollout-'));
  const runId = `bench-rollout-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const meter = await meterCpu(runId, 1000);
  const lanes = new Map<string, number>();
  const samples = new Map<string, number[]>(selected.map((e) => [e.name, []]));
  let progress: RolloutStats | undefined;
  // While an env still has episodes waiting, every one of its lanes holds a live episode.
  const sampler = setInterval(() => {
    for (const env of progress?.envs ?? []) {
      const live = lanes.get(env.env) ?? 0;
      const memory = meter.liveMemory(env.env);
      if (live > 0 && memory > 0 && env.total - env.done > live) samples.get(env.env)!.push(memory / live);
    }
  }, 1000);
  const outcome = await rollout({
    runtime: new DockerRuntime({ runId }),
    agent: new ExpertAgent(),
    envs: selected.map((e) => ({ name: e.name, spec: e.spec, families: e.families })),
    out: join(dir, 'run'),
    tasksPerFamily,
    group: 1,
    split: 'train',
    seed: 1,
    parallel,
    limits: { maxSteps: 60, stepDeadlineMs: 60_000, episodeDeadlineMs: 600_000 },
    onPlan: (plan) => {
      for (const env of plan) lanes.set(env.env, env.lanes);
    },
    onProgress: (stats) => (progress = stats),
  }).finally(() => clearInterval(sampler));
  const cpu = await meter.stop();
  await rm(dir, { recursive: true, force: true });
  const stats = outcome.stats.envs;
  const episodes = stats.reduce((a, e) => a + e.done, 0);
  return {
    episodes,
    success: stats.reduce((a, e) => a + e.success, 0),
    // The rollout's own rate (its summary prints the same): warm-up included, closing not.
    perHour: outcome.stats.overallRate() * 60,
    cpu,
    byEnv: stats.map((e) => ({
      env: e.env,
      lanes: lanes.get(e.env) ?? 0,
      overhead: 1 - (e.agentMs + e.envMs) / e.wallMs,
      memoryPerLive: median(samples.get(e.env)!),
    })),
  };
}

function median(values: number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : undefined;
}

const MiB = 1024 * 1024;
const perEnv = (m: Measured, f: (e: Measured['byEnv'][number]) => string) => m.byEnv.map((e) => (m.byEnv.length > 1 ? `${e.env} ${f(e)}` : f(e))).join(', ');

const rows = [
  [
    'envs',
    'parallel',
    'lanes per env',
    'episodes',
    'success',
    'episodes/hour (median; each round)',
    'vs parallel 1',
    'cores busy',
    'runner overhead',
    'MiB per live episode',
  ],
];
const profile = [
  [
    'envs',
    'parallel',
    'wall s',
    'runner CPU s',
    'env containers CPU s (by env, as polled)',
    'docker engine CPU s',
    'CPU s per episode',
    'floor s (CPU / cores)',
  ],
];
const groups: [string, BenchEnv[], number][] = [
  ['counter', [counter], counter.perFamily],
  ...envs.map((e): [string, BenchEnv[], number] => [e.name, [e], e.perFamily]),
];
if (envs.length > 1) groups.push([`mixed (${envs.map((e) => e.name).join('+')})`, envs, MIXED_PER_FAMILY]);
const PARALLEL: readonly Parallel[] = [1, 2, 4, 'auto'];
for (const [label, selected, perFamily] of groups) {
  if (only && !only.includes(selected.length > 1 ? 'mixed' : label)) continue;
  // Rounds interleave the settings, each round in another order, so that a slow spell of the
  // machine does not land on one setting; each row is the round with the median rate.
  const runs = new Map<Parallel, Measured[]>(PARALLEL.map((p) => [p, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < PARALLEL.length; i++) {
      const parallel = PARALLEL[(i + round) % PARALLEL.length]!;
      const m = await measure(selected, parallel, perFamily);
      runs.get(parallel)!.push(m);
      console.error(`${label} | parallel ${parallel} | round ${round + 1} | ${m.perHour.toFixed(0)} episodes/hour`);
    }
  }
  const median = (p: Parallel) => [...runs.get(p)!].sort((a, b) => a.perHour - b.perHour)[Math.floor(rounds / 2)]!;
  const base = median(1).perHour;
  for (const parallel of PARALLEL) {
    const m = median(parallel);
    const all = runs.get(parallel)!.map((r) => r.perHour.toFixed(0));
    rows.push([
      label,
      String(parallel),
      perEnv(m, (e) => String(e.lanes)),
      String(m.episodes),
      `${((100 * m.success) / m.episodes).toFixed(0)}%`,
      rounds > 1 ? `${m.perHour.toFixed(0)} (${all.join(', ')})` : m.perHour.toFixed(0),
      `${(m.perHour / base).toFixed(2)}x`,
      `${(100 * m.cpu.hostBusy).toFixed(0)}%`,
      perEnv(m, (e) => `${(100 * e.overhead).toFixed(1)}%`),
      perEnv(m, (e) => (e.memoryPerLive === undefined ? '—' : (e.memoryPerLive / MiB).toFixed(0))),
    ]);
    profile.push([
      label,
      String(parallel),
      ((m.episodes / m.perHour) * 3600).toFixed(1),
      m.cpu.bench.toFixed(1),
      `${m.cpu.containers.toFixed(1)} (${[...m.cpu.byEnv].map(([env, s]) => `${env} ${s.toFixed(1)}`).join(', ')})`,
      m.cpu.engine.toFixed(1),
      (m.cpu.total / m.episodes).toFixed(3),
      (m.cpu.floorMs / 1000).toFixed(1),
    ]);
  }
}
printTable('Expert rollouts through the docker runtime', rows);
printTable('Where the CPU went', profile);

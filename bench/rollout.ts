// Expert episodes per minute per env and mixed, at parallelism 1, 2, 4, 8, and the share of
// wall time the runner itself takes (everything that is neither the agent nor the env).
// Run: node --conditions=source --import tsx bench/rollout.ts [env,env,...]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpertAgent, rollout } from '@workgym/agents';
import type { EnvManifest } from '@workgym/protocol';
import { counterServerEntry } from '@workgym/protocol/testing';
import { buildEnvImage, DockerRuntime, manifestServerSpec, type EnvServerSpec } from '@workgym/runtime';
import { manifest as browser } from '@workgym/env-browser';
import { manifest as code } from '@workgym/env-code';
import { manifest as spreadsheet } from '@workgym/env-spreadsheet';
import { printTable } from './lib/stats.js';

interface BenchEnv {
  name: string;
  spec: EnvServerSpec;
  families: string[];
}

async function prepare(manifest: EnvManifest): Promise<BenchEnv> {
  const spec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-bench') });
  const env = await manifest.create();
  const families = env.families().map((f) => f.id!);
  await env.close?.();
  return { name: manifest.name, spec, families };
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
};
const wanted = process.argv[2]?.split(',');
const envs = [counter, ...(await Promise.all([code, browser, spreadsheet].filter((m) => !wanted || wanted.includes(m.name)).map(prepare)))];
const runtime = new DockerRuntime({ runId: `bench-rollout-${process.pid}` });

async function measure(selected: BenchEnv[], parallel: number) {
  const dir = await mkdtemp(join(tmpdir(), 'workgym-bench-rollout-'));
  // Enough tasks that every worker runs several episodes; at least one task per family.
  const perEnv = (env: BenchEnv) => Math.max(env.families.length, parallel * (env.name === 'counter' ? 40 : 3));
  const outcome = await rollout({
    runtime,
    agent: new ExpertAgent(),
    envs: selected.map((e) => ({ ...e, families: e.families })),
    out: join(dir, 'run'),
    tasksPerFamily: Math.max(...selected.map((e) => Math.ceil(perEnv(e) / e.families.length))),
    group: 1,
    split: 'train',
    seed: 1,
    parallel,
    limits: { maxSteps: 60, stepDeadlineMs: 60_000, episodeDeadlineMs: 600_000 },
  });
  await rm(dir, { recursive: true, force: true });
  const stats = outcome.stats.envs;
  const sum = (f: (e: (typeof stats)[number]) => number) => stats.reduce((a, e) => a + f(e), 0);
  const episodes = sum((e) => e.done);
  const success = sum((e) => e.success);
  const overhead = 1 - (sum((e) => e.agentMs) + sum((e) => e.envMs)) / sum((e) => e.wallMs);
  // The rate the rollout's own counters give (its summary prints the same): warm-up included, closing not.
  return { episodes, success, perMinute: outcome.stats.overallRate(), overhead };
}

const rows = [['envs', 'parallel', 'episodes', 'expert success', 'episodes/min', 'vs parallel 1', 'runner overhead']];
for (const selected of [...envs.map((e) => [e]), envs.filter((e) => e.name !== 'counter')]) {
  if (selected.length === 0) continue;
  let base = 0;
  for (const parallel of [1, 2, 4, 8]) {
    const m = await measure(selected, parallel);
    base ||= m.perMinute;
    rows.push([
      selected.length > 1 ? `mixed (${selected.map((e) => e.name).join('+')})` : selected[0]!.name,
      String(parallel),
      String(m.episodes),
      `${((100 * m.success) / m.episodes).toFixed(0)}%`,
      m.perMinute.toFixed(1),
      `${(m.perMinute / base).toFixed(2)}x`,
      `${(100 * m.overhead).toFixed(2)}%`,
    ]);
    console.error(rows.at(-1)!.join(' | '));
  }
}
printTable('Expert rollouts through the docker runtime', rows);

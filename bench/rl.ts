// RL that measurably learns (issue 24, item 6): the online loop from an untrained embedded policy
// (all weights 0: uniform over the candidates), no behaviour cloning, on the families where that
// random policy succeeds 5-40%; the last policy against iteration 0 on the same held-out test
// seeds, paired by task, exact McNemar. Envs run in this process.
//   node --conditions=source --import tsx bench/rl.ts probe [--envs code,spreadsheet] [--tasks 20]
//   node --conditions=source --import tsx bench/rl.ts learn --family code/sql-query [--iterations 12]
//     [--tasks 8] [--group 4] [--rounds 3] [--eval-tasks 60] [--eval-every 4] [--eval-temperature 1] [--lr 0.5] [--step normalized] [--out DIR]
// `probe` prints each family's success under the random policy (sampling, temperature 1) on test
// seeds; `learn` prints the test curve, the comparison and the wall time of one family.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BrowserEnv } from '@workgym/env-browser';
import { CodeEnv } from '@workgym/env-code';
import { SpreadsheetEnv } from '@workgym/env-spreadsheet';
import type { Environment } from '@workgym/protocol';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { EmbeddedUpdater, endpointAgent, formatComparison, LinearPolicy, PolicyServer, rlLoop, runEval, type EvalEnv } from '@workgym/trainers';

const factories: Record<string, () => Environment> = { code: () => new CodeEnv(), browser: () => new BrowserEnv(), spreadsheet: () => new SpreadsheetEnv() };
// Step limits as in bench/trainers-learning.ts: room for each env's tasks, little for wandering.
const MAX_STEPS: Record<string, number> = { code: 8, browser: 20, spreadsheet: 15 };

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    envs: { type: 'string', default: 'code,spreadsheet' },
    tasks: { type: 'string' },
    family: { type: 'string' },
    iterations: { type: 'string', default: '12' },
    group: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    'eval-tasks': { type: 'string', default: '60' },
    'eval-every': { type: 'string', default: '4' },
    'eval-temperature': { type: 'string', default: '1' },
    lr: { type: 'string', default: '0.5' },
    step: { type: 'string', default: 'normalized' },
    'max-steps': { type: 'string' },
    out: { type: 'string' },
  },
});
const runtime = new InProcessRuntime(factories);
const out = values.out ?? (await mkdtemp(join(tmpdir(), 'workgym-rl-')));
const envOf = (family: string) => family.split('/')[0]!;
const stepsOf = (env: string) => Number(values['max-steps'] ?? MAX_STEPS[env] ?? 20);
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

if (positionals[0] === 'probe') await probe();
else if (positionals[0] === 'learn') await learn();
else throw new Error('say `probe` or `learn --family F`');

async function probe(): Promise<void> {
  const server = await PolicyServer.start({ policy: new LinearPolicy() });
  const tasks = Number(values.tasks ?? 20);
  console.log(`| family | test episodes | random policy success | mean reward |\n|---|---|---|---|`);
  for (const name of values.envs.split(',')) {
    const env = factories[name]!();
    const families = env.families().map((f) => f.id ?? '');
    await env.close();
    const { report } = await runEval({
      runtime,
      envs: [{ name, spec: inProcessSpec(name), families }],
      agent: endpointAgent({ baseURL: server.baseURL, model: server.model }, { temperature: 1, seed: 0 }),
      out: join(out, `probe-${name}`),
      split: 'test',
      tasksPerFamily: tasks,
      maxSteps: stepsOf(name),
      parallel: 2,
    });
    for (const r of report.rows.filter((row) => row.scope === 'family')) {
      console.log(`| ${r.key} | ${r.episodes} | ${pct(r.success.rate)} [${pct(r.success.low)}, ${pct(r.success.high)}] | ${r.meanReward.toFixed(2)} |`);
    }
  }
  await server.close();
}

async function learn(): Promise<void> {
  const family = values.family;
  if (!family) throw new Error('learn needs --family ENV/FAMILY');
  const name = envOf(family);
  const env: EvalEnv = { name, spec: inProcessSpec(name), families: [family] };
  const evalTemperature = Number(values['eval-temperature']);
  await using updater = new EmbeddedUpdater({ method: 'grpo', learningRate: Number(values.lr), step: values.step as 'adagrad' | 'normalized' });
  const started = performance.now();
  const result = await rlLoop({
    runtime,
    envs: [env],
    updater,
    out,
    iterations: Number(values.iterations),
    tasksPerIteration: Number(values.tasks ?? 8),
    group: Number(values.group),
    estimator: 'grpo',
    maxSteps: stepsOf(name),
    parallel: 2,
    maxSampleRounds: Number(values.rounds),
    evaluation: { every: Number(values['eval-every']), tasksPerFamily: Number(values['eval-tasks']), temperature: evalTemperature },
    log: (line) => console.error(`[rl] ${line}`),
    onIteration: (s) =>
      console.error(
        `[rl] ${((performance.now() - started) / 1000).toFixed(0)} s, iteration ${s.iteration}: train reward ${s.points[0]!.meanReward.toFixed(3)}, success ${pct(s.points[0]!.successRate)}; ${s.rounds} rounds, ${s.informativeGroups} informative groups kept, ${s.skippedGroups} skipped`,
      ),
    onEvaluation: (e) =>
      console.error(
        `[rl] test after ${e.iteration} updates: ${e.points.map((p) => `${pct(p.success.rate)} [${pct(p.success.low)}, ${pct(p.success.high)}]`).join(', ')}`,
      ),
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${family}: ${values.iterations} iterations, wall ${(seconds / 60).toFixed(1)} min, test at temperature ${evalTemperature}`);
  console.log(`test curve: ${result.tests.map((t) => `${t.iteration}: ${pct(t.success.rate)} [${pct(t.success.low)}, ${pct(t.success.high)}]`).join('; ')}`);
  console.log(`train reward: ${result.points.map((p) => p.meanReward.toFixed(2)).join(' ')}`);
  for (const line of formatComparison(result.comparison!)) console.log(line);
  console.log(`(output in ${out}: curves.csv, test-curves.csv, curves.png, comparison.json)`);
}

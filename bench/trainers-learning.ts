// The embedded learner's learning evidence: success on held-out test seeds before and after
// behaviour cloning on expert episodes of the train split, then DAgger rounds on fresh train seeds, per family, through the policy's
// OpenAI-compatible server and the openai agent (greedy). Envs run in this process.
//   node --conditions=source --import tsx bench/trainers-learning.ts [trainTasks] [testTasks]
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpertAgent, rollout } from '@workgym/agents';
import { BrowserEnv } from '@workgym/env-browser';
import { CodeEnv } from '@workgym/env-code';
import { SpreadsheetEnv } from '@workgym/env-spreadsheet';
import type { Environment } from '@workgym/protocol';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { CounterEnv } from '@workgym/protocol/testing';
import { behaviourCloning, dagger, endpointAgent, toDecisions, LinearPolicy, PolicyServer, readRecords, runEval, type EvalEnv } from '@workgym/trainers';

const trainTasks = Number(process.argv[2] ?? 40);
const testTasks = Number(process.argv[3] ?? 30);

const factories: Record<string, () => Environment> = {
  counter: () => new CounterEnv(8),
  code: () => new CodeEnv(),
  browser: () => new BrowserEnv(),
  spreadsheet: () => new SpreadsheetEnv(),
};
const runtime = new InProcessRuntime(factories);

// FAMILIES picks the families (any env's); each env gets a step limit fit for its tasks.
const maxSteps: Record<string, number> = { counter: 150, code: 8, browser: 20, spreadsheet: 15 };
const families = (process.env.FAMILIES ?? 'counter/reach-target,code/sql-query,code/repo-question,code/git-history-question,code/py-fix-bug').split(',');
const envs: (EvalEnv & { maxSteps: number })[] = [...new Set(families.map((f) => f.split('/')[0]!))].map((name) => ({
  name,
  spec: inProcessSpec(name),
  families: families.filter((f) => f.startsWith(`${name}/`)),
  maxSteps: maxSteps[name] ?? 20,
}));

const out = await mkdtemp(join(tmpdir(), 'workgym-learning-'));
const rows: string[] = [];
for (const env of envs) {
  const expertDir = join(out, `expert-${env.name}`);
  await rollout({
    runtime,
    agent: new ExpertAgent(),
    envs: [env],
    out: expertDir,
    tasksPerFamily: trainTasks,
    group: 1,
    split: 'train',
    seed: 0,
    parallel: 2,
    limits: { maxSteps: env.maxSteps, stepDeadlineMs: 60_000, episodeDeadlineMs: 600_000 },
  });
  const expert = await readRecords(expertDir);
  const policy = new LinearPolicy();
  const server = await PolicyServer.start({ policy });
  const evaluate = async (label: string) => {
    const { report } = await runEval({
      runtime,
      envs: [env],
      agent: endpointAgent({ baseURL: server.baseURL, model: server.model }, { temperature: 0 }),
      out: join(out, `${label}-${env.name}`),
      split: 'test',
      tasksPerFamily: testTasks,
      maxSteps: env.maxSteps,
      parallel: 2,
    });
    return report.rows.filter((r) => r.scope === 'family');
  };
  const before = await evaluate('before');
  const t0 = performance.now();
  const report = behaviourCloning(policy, expert, { epochs: 8 });
  const trainMs = performance.now() - t0;
  const afterBc = await evaluate('after-bc');
  const rounds = Number(process.env.DAGGER_ROUNDS ?? 3);
  await dagger(policy, {
    runtime,
    envs: [env],
    out: join(out, `dagger-${env.name}`),
    rounds,
    tasksPerFamily: Math.ceil(trainTasks / 2),
    initial: toDecisions(
      policy,
      expert.filter((r) => r.success),
      () => 1,
    ).decisions,
    log: (l) => console.error(`${env.name}: ${l}`),
  });
  const after = await evaluate('after-dagger');
  for (const b of before) {
    const m = afterBc.find((r) => r.key === b.key)!;
    const a = after.find((r) => r.key === b.key)!;
    const f = (p: typeof b.success) => `${(100 * p.rate).toFixed(0)}% [${(100 * p.low).toFixed(0)}, ${(100 * p.high).toFixed(0)}]`;
    rows.push(`| ${b.key} | ${b.episodes} | ${f(b.success)} | ${f(m.success)} | ${f(a.success)} | ${a.meanSteps.toFixed(1)} |`);
  }
  console.error(rows.slice(-before.length).join('\n'));
  console.error(
    `${env.name}: ${report.examples} decisions from ${report.episodes} expert episodes, trained in ${(trainMs / 1000).toFixed(1)} s, losses ${report.losses.map((l) => l.toFixed(3)).join(' ')}`,
  );
  await server.close();
}
console.log(`\nbehaviour cloning on ${trainTasks} expert episodes per family (train split), tested on ${testTasks} test seeds per family, greedy:\n`);
console.log(
  `| family | test episodes | before (untrained) | after BC | after BC + ${Number(process.env.DAGGER_ROUNDS ?? 3)} DAgger rounds | mean steps after |\n|---|---|---|---|---|---|`,
);
console.log(rows.join('\n'));
console.log(`\n(run folders in ${out})`);

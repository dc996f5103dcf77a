// The value of grounded demonstrations (issue 26): behaviour cloning on two expert runs of the
// same train tasks, A (canonical) and B (grounded, several strategies, noise and recovery), each
// cut to the tasks both arms solved, then both policies greedy on the same test tasks through the
// policy server, plain and with the first steps perturbed; results paired by task. Envs run in
// this process.
//   node --conditions=source --import tsx bench/demonstration-value.ts --canonical DIR --grounded DIR [--roll-grounded]
//     [--families code/py-fix-bug,...] [--train 40] [--test 30] [--noise 0.2] [--perturb 2] [--epochs 8] [--out DIR]
// --roll-grounded first writes arm B into --grounded (this checkout's expert, strategy by seed,
// the given noise). Arm A is another commit's expert: see docs/trainers.md for its commands.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ExpertAgent, rollout } from '@workgym/agents';
import { BrowserEnv } from '@workgym/env-browser';
import { CodeEnv } from '@workgym/env-code';
import { SpreadsheetEnv } from '@workgym/env-spreadsheet';
import type { Environment } from '@workgym/protocol';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import {
  behaviourCloning,
  endpointAgent,
  LinearPolicy,
  pairByTask,
  pairedComparison,
  PolicyServer,
  readRecords,
  runEval,
  successPairs,
  type EvalEnv,
  type PairedComparison,
  type TaskPair,
  type TrainReport,
} from '@workgym/trainers';
import type { EpisodeRecord } from '@workgym/trajectories';
import { decisionsByTool, sameTasks } from './lib/demonstrations.js';

const factories: Record<string, () => Environment> = { code: () => new CodeEnv(), browser: () => new BrowserEnv(), spreadsheet: () => new SpreadsheetEnv() };
// One step limit per env for both arms' demonstrations and every eval: room for a grounded
// expert's longest path plus injected steps and the recovery from them.
const maxSteps: Record<string, number> = { code: 10, browser: 20, spreadsheet: 15 };
const runtime = new InProcessRuntime(factories);

interface Options {
  canonical: string;
  grounded: string;
  rollGrounded: boolean;
  families: string[];
  train: number;
  test: number;
  noise: number;
  perturb: number;
  epochs: number;
  out: string | undefined;
}

function fail(line: string): never {
  console.error(`demonstration-value: ${line}`);
  process.exit(2);
}

function parseArgsOrFail<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    fail((error as Error).message);
  }
}

function readOptions(): Options {
  const { values } = parseArgsOrFail({
    options: {
      canonical: { type: 'string' },
      grounded: { type: 'string' },
      'roll-grounded': { type: 'boolean', default: false },
      families: { type: 'string', default: 'code/py-fix-bug,code/js-fix-bug,code/py-add-feature' },
      train: { type: 'string', default: '40' },
      test: { type: 'string', default: '30' },
      noise: { type: 'string', default: '0.2' },
      perturb: { type: 'string', default: '2' },
      epochs: { type: 'string', default: '8' },
      out: { type: 'string' },
    },
  });
  const count = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be a whole number of at least ${min}, not ${JSON.stringify(text)}`);
    return n;
  };
  if (!values.canonical || !values.grounded)
    fail('give both arms: --canonical <run folder> --grounded <run folder> (add --roll-grounded to write the grounded one first)');
  const noise = Number(values.noise);
  if (!(noise >= 0 && noise <= 1)) fail(`--noise must be between 0 and 1, not ${JSON.stringify(values.noise)}`);
  const families = values.families.split(',').filter(Boolean);
  for (const f of families)
    if (!factories[f.split('/')[0]!] || !f.includes('/'))
      fail(`unknown family ${JSON.stringify(f)}: give <env>/<family> of ${Object.keys(factories).join(', ')}`);
  if (!existsSync(values.canonical)) fail(`no run folder ${values.canonical} (arm A: roll out the canonical expert first, see docs/trainers.md)`);
  if (values['roll-grounded'] && existsSync(values.grounded)) fail(`${values.grounded} exists: --roll-grounded writes a new run folder`);
  if (!values['roll-grounded'] && !existsSync(values.grounded)) fail(`no run folder ${values.grounded} (add --roll-grounded to write it)`);
  return {
    canonical: values.canonical,
    grounded: values.grounded,
    rollGrounded: values['roll-grounded'],
    families,
    train: count('train', values.train, 1),
    test: count('test', values.test, 1),
    noise,
    perturb: count('perturb', values.perturb, 0),
    epochs: count('epochs', values.epochs, 1),
    out: values.out,
  };
}

/** The envs of the families, each with its families and step limit. */
function envsOf(families: readonly string[]): (EvalEnv & { maxSteps: number })[] {
  return [...new Set(families.map((f) => f.split('/')[0]!))].map((name) => ({
    name,
    spec: inProcessSpec(name),
    families: families.filter((f) => f.startsWith(`${name}/`)),
    maxSteps: maxSteps[name]!,
  }));
}

async function rollGrounded(options: Options): Promise<void> {
  const agent = new ExpertAgent({ noise: options.noise, seed: 0 });
  for (const env of envsOf(options.families)) {
    const started = performance.now();
    await rollout({
      runtime,
      agent,
      envs: [env],
      out: join(options.grounded, env.name),
      tasksPerFamily: options.train,
      group: 1,
      split: 'train',
      seed: 0,
      parallel: 2,
      limits: { maxSteps: env.maxSteps, stepDeadlineMs: 60_000, episodeDeadlineMs: 600_000 },
      spec: { bench: 'demonstration-value', arm: 'grounded', families: env.families, noise: options.noise, maxSteps: env.maxSteps },
    });
    console.error(`grounded ${env.name}: ${options.train} tasks per family rolled out in ${((performance.now() - started) / 60_000).toFixed(1)} min`);
  }
}

/** Every record of a folder that is a run, or of the runs in its subfolders (one per env). */
async function readArm(dir: string): Promise<EpisodeRecord[]> {
  if (existsSync(join(dir, 'manifest.json'))) return readRecords(dir);
  const runs = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'manifest.json')));
  if (runs.length === 0) fail(`${dir} is not a run folder and holds none`);
  return (await Promise.all(runs.map((d) => readRecords(join(dir, d.name))))).flat();
}

async function evaluate(policy: LinearPolicy, env: EvalEnv & { maxSteps: number }, out: string, tasks: number, perturbSteps: number): Promise<EpisodeRecord[]> {
  const server = await PolicyServer.start({ policy });
  try {
    const agent = endpointAgent({ baseURL: server.baseURL, model: server.model }, { temperature: 0 });
    const { records } = await runEval({
      runtime,
      envs: [env],
      agent,
      out,
      split: 'test',
      tasksPerFamily: tasks,
      maxSteps: env.maxSteps,
      parallel: 2,
      perturbSteps,
    });
    return records;
  } finally {
    await server.close();
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}`;
const signed = (x: number) => `${x > 0 ? '+' : ''}${pct(x)}`;

function row(scope: string, condition: string, c: PairedComparison): string {
  const arm = (p: PairedComparison['a']) => `${pct(p.rate)}% [${pct(p.low)}, ${pct(p.high)}]`;
  const p = c.mcnemarP < 0.001 ? '<0.001' : c.mcnemarP.toFixed(c.mcnemarP < 0.01 ? 3 : 2);
  return `| ${scope} | ${condition} | ${c.pairs} | ${arm(c.a)} | ${arm(c.b)} | ${signed(c.difference)} [${signed(c.low)}, ${signed(c.high)}] | ${c.onlyA} / ${c.onlyB} | ${p} |`;
}

function trainLine(arm: string, env: string, records: readonly EpisodeRecord[], report: TrainReport): string {
  const { injected, unmatched, noCandidates } = report.skipped;
  const byTool = Object.entries(decisionsByTool(records))
    .map(([tool, n]) => `${tool} ${n}`)
    .join(', ');
  return (
    `${arm} ${env}: ${report.episodes} episodes, ${report.examples} decisions learnt (${byTool}); skipped ${injected} injected, ` +
    `${unmatched} calls matching no candidate, ${noCandidates} without candidates; final loss ${report.losses.at(-1)!.toFixed(3)}`
  );
}

const options = readOptions();
const started = performance.now();
if (options.rollGrounded) await rollGrounded(options);
const canonical = await readArm(options.canonical);
const grounded = await readArm(options.grounded);
const out = options.out ?? (await mkdtemp(join(tmpdir(), 'workgym-demonstration-value-')));
const conditions = [
  { label: 'plain', perturbSteps: 0 },
  ...(options.perturb > 0 ? [{ label: `first ${options.perturb} perturbed`, perturbSteps: options.perturb }] : []),
];
const results: Record<string, TaskPair[]> = {};
const trainLines: string[] = [];
for (const env of envsOf(options.families)) {
  const data = sameTasks(canonical, grounded, env.families);
  for (const family of env.families) {
    const n = data.a.filter((r) => r.family === family).length;
    if (n === 0) fail(`no ${family} train task solved by both arms: are both run folders rolled out on it (train split)?`);
    trainLines.push(`${family}: ${n} train tasks solved by both arms`);
  }
  const policies = { a: new LinearPolicy(), b: new LinearPolicy() };
  trainLines.push(trainLine('A canonical', env.name, data.a, behaviourCloning(policies.a, data.a, { epochs: options.epochs, seed: 0 })));
  trainLines.push(trainLine('B grounded', env.name, data.b, behaviourCloning(policies.b, data.b, { epochs: options.epochs, seed: 0 })));
  for (const { label, perturbSteps } of conditions) {
    const [a, b] = [
      await evaluate(policies.a, env, join(out, `${env.name}-${perturbSteps}-canonical`), options.test, perturbSteps),
      await evaluate(policies.b, env, join(out, `${env.name}-${perturbSteps}-grounded`), options.test, perturbSteps),
    ];
    const { pairs } = pairByTask(a, b);
    for (const family of env.families) results[`${family}\t${label}`] = pairs.filter((p) => p.family === family);
    console.error(`${env.name} ${label}: evaluated (${((performance.now() - started) / 60_000).toFixed(1)} min so far)`);
  }
}

console.log(`\n${trainLines.join('\n')}\n`);
console.log(
  `Greedy on ${options.test} test tasks per family; A = ${options.canonical}, B = ${options.grounded}; B − A with its 95% paired bootstrap interval; discordant = tasks only A / only B solved; exact McNemar p.\n`,
);
console.log('| family | condition | n | A canonical | B grounded | B − A (points) | discordant A / B | McNemar p |\n|---|---|---|---|---|---|---|---|');
for (const { label } of conditions) {
  for (const family of options.families) console.log(row(family, label, pairedComparison(successPairs(results[`${family}\t${label}`]!))));
  if (options.families.length > 1)
    console.log(row('**all**', label, pairedComparison(successPairs(options.families.flatMap((f) => results[`${f}\t${label}`]!)))));
}
console.log(`\n(${((performance.now() - started) / 60_000).toFixed(1)} min; eval runs in ${out})`);

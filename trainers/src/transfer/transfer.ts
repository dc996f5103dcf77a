import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExpertAgent, rollout, type Agent, type RolloutStats } from '@workgym/agents';
import type { EnvRuntime } from '@workgym/runtime';
import type { EpisodeRecord } from '@workgym/trajectories';
import { renderHeatmap } from '../charts/heatmap.js';
import { TrainerInputError } from '../errors.js';
import { readRecords, runEval, type EvalEnv } from '../eval/run-eval.js';
import { LinearPolicy } from '../learner/linear-policy.js';
import { behaviourCloning } from '../learner/train.js';
import { writeBatchFile } from '../loop/batch-file.js';
import { endpointAgent, type PolicyEndpoint } from '../loop/endpoint.js';
import { ExternalUpdater } from '../loop/external-updater.js';
import { PolicyServer } from '../serve/policy-server.js';
import { wilson, type Proportion } from '../stats/wilson.js';

/** Trains a policy on a training set's expert episodes and gives its endpoint until `close`. */
export interface TransferTrainer {
  readonly kind: string;
  train(name: string, records: readonly EpisodeRecord[], dir: string, signal?: AbortSignal): Promise<{ endpoint: PolicyEndpoint; close(): Promise<void> }>;
}

/** The embedded learner, trained by behaviour cloning, served on a local port. */
export function embeddedTrainer(options: { epochs?: number } = {}): TransferTrainer {
  return {
    kind: 'embedded',
    async train(_name, records, dir) {
      const policy = new LinearPolicy();
      if (records.length > 0) behaviourCloning(policy, records, { epochs: options.epochs ?? 8 });
      await policy.save(dir);
      const server = await PolicyServer.start({ policy });
      return { endpoint: { baseURL: server.baseURL, model: server.model }, close: () => server.close() };
    },
  };
}

/** An external trainer command (see ExternalUpdater): it gets the expert episodes as a batch file (advantage 1). */
export function externalTrainer(command: string, initial: PolicyEndpoint): TransferTrainer {
  return {
    kind: 'external',
    async train(name, records, dir, signal) {
      const file = join(dir, 'batch.jsonl');
      await mkdir(dir, { recursive: true });
      await writeBatchFile(file, records, new Map(records.map((r) => [r.episodeId ?? '', 1])));
      const updater = new ExternalUpdater({ command, initial });
      const endpoint = await updater.update({ iteration: 0, file, records, advantages: new Map(), dir }, signal);
      return { endpoint, close: () => updater.close() };
    },
  };
}

export interface TransferOptions {
  runtime: EnvRuntime;
  envs: EvalEnv[];
  out: string;
  trainer?: TransferTrainer;
  /** The agent that evaluates a trained policy's endpoint (default: the openai agent, greedy, sending candidates). */
  agentFor?: (endpoint: PolicyEndpoint) => Agent;
  /** Expert episodes per family for training (train split). */
  trainTasksPerFamily: number;
  /** Test episodes per family for evaluation (test split). */
  testTasksPerFamily: number;
  /** Also evaluate the untrained policy (a first row, the baseline; default true). */
  baseline?: boolean;
  maxSteps?: number;
  parallel?: number;
  onProgress?: (stats: RolloutStats) => void;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface TransferCell {
  trainSet: string;
  testEnv: string;
  success: Proportion;
}

export interface TransferResult {
  trainSets: { name: string; envs: string[] }[];
  testEnvs: string[];
  cells: TransferCell[];
  files: { markdown: string; csv: string; png: string; json: string };
}

/** Each env alone, all envs, and all but one env (for each env), without duplicates or empty sets. */
export function trainingSets(envs: readonly string[]): { name: string; envs: string[] }[] {
  const sets: { name: string; envs: string[] }[] = envs.map((e) => ({ name: e, envs: [e] }));
  if (envs.length > 1) sets.push({ name: 'all', envs: [...envs] });
  if (envs.length > 2) for (const e of envs) sets.push({ name: `all-but-${e}`, envs: envs.filter((x) => x !== e) });
  return sets;
}

/**
 * The transfer matrix: for each training set, train a policy on its envs' expert episodes,
 * evaluate it on every env's test split, and write the success rates as markdown, CSV, JSON and
 * a PNG heatmap (rows: training sets; columns: test envs).
 */
export async function transferMatrix(options: TransferOptions): Promise<TransferResult> {
  if (options.envs.length === 0) throw new TrainerInputError('no env to build a transfer matrix from');
  const trainer = options.trainer ?? embeddedTrainer();
  const log = options.log ?? (() => undefined);
  await mkdir(options.out, { recursive: true });
  const expert = new Map<string, EpisodeRecord[]>();
  for (const env of options.envs) {
    const dir = join(options.out, 'expert', env.name);
    log(`expert episodes for ${env.name} (${options.trainTasksPerFamily} per family)`);
    await rollout({
      runtime: options.runtime,
      agent: new ExpertAgent(),
      envs: [env],
      out: dir,
      tasksPerFamily: options.trainTasksPerFamily,
      group: 1,
      split: 'train',
      seed: 0,
      parallel: options.parallel ?? 2,
      limits: { maxSteps: options.maxSteps ?? 30, stepDeadlineMs: 60_000, episodeDeadlineMs: 30 * 60_000 },
      spec: { purpose: 'transfer-expert' },
      onProgress: options.onProgress,
    });
    expert.set(env.name, await readRecords(dir));
  }
  const names = options.envs.map((e) => e.name);
  const sets = [...(options.baseline === false ? [] : [{ name: 'untrained', envs: [] as string[] }]), ...trainingSets(names)];
  const cells: TransferCell[] = [];
  for (const [i, set] of sets.entries()) {
    options.signal?.throwIfAborted();
    const dir = join(options.out, 'sets', `${String(i).padStart(2, '0')}-${set.name}`);
    log(`training on ${set.name} (${set.envs.join(', ') || 'nothing'}) with the ${trainer.kind} trainer`);
    const records = set.envs.flatMap((e) => expert.get(e)!);
    const trained = await trainer.train(set.name, records, join(dir, 'policy'), options.signal);
    try {
      const { records: evaluated } = await runEval({
        runtime: options.runtime,
        envs: options.envs,
        agent: options.agentFor?.(trained.endpoint) ?? endpointAgent(trained.endpoint, { temperature: 0 }),
        out: join(dir, 'eval'),
        split: 'test',
        tasksPerFamily: options.testTasksPerFamily,
        maxSteps: options.maxSteps,
        parallel: options.parallel,
        onProgress: options.onProgress,
      });
      for (const env of names) {
        const mine = evaluated.filter((r) => r.env === env);
        cells.push({ trainSet: set.name, testEnv: env, success: wilson(mine.filter((r) => r.success).length, mine.length) });
      }
    } finally {
      await trained.close();
    }
  }
  const result = { trainSets: sets, testEnvs: names, cells };
  return { ...result, files: await writeTransfer(options.out, result) };
}

async function writeTransfer(out: string, result: Omit<TransferResult, 'files'>): Promise<TransferResult['files']> {
  const cell = (set: string, env: string) => result.cells.find((c) => c.trainSet === set && c.testEnv === env)!;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const md = [
    '# Transfer matrix',
    '',
    "Success on each env's test split (rows: what the policy was trained on; columns: where it was tested), with 95% Wilson intervals.",
    '',
    `| train \\ test | ${result.testEnvs.join(' | ')} |`,
    `|---|${result.testEnvs.map(() => '---').join('|')}|`,
    ...result.trainSets.map(
      (s) =>
        `| ${s.name} | ${result.testEnvs
          .map((e) => {
            const c = cell(s.name, e).success;
            return `${pct(c.rate)} (${pct(c.low)}–${pct(c.high)}, n=${c.n})`;
          })
          .join(' | ')} |`,
    ),
    '',
  ].join('\n');
  const csv =
    [
      'train_set,train_envs,test_env,episodes,successes,success_rate,ci_low,ci_high',
      ...result.cells.map((c) => {
        const envs = result.trainSets.find((s) => s.name === c.trainSet)!.envs.join(' ');
        return [
          c.trainSet,
          envs,
          c.testEnv,
          c.success.n,
          c.success.successes,
          c.success.rate.toFixed(4),
          c.success.low.toFixed(4),
          c.success.high.toFixed(4),
        ].join(',');
      }),
    ].join('\n') + '\n';
  const files = { markdown: join(out, 'transfer.md'), csv: join(out, 'transfer.csv'), png: join(out, 'transfer.png'), json: join(out, 'transfer.json') };
  await writeFile(files.markdown, md);
  await writeFile(files.csv, csv);
  await writeFile(files.json, JSON.stringify(result, null, 2) + '\n');
  await writeFile(
    files.png,
    renderHeatmap({
      title: "Transfer: success on each env's test split",
      rows: result.trainSets.map((s) => s.name),
      columns: result.testEnvs,
      values: result.trainSets.map((s) => result.testEnvs.map((e) => cell(s.name, e).success.rate)),
    }),
  );
  return files;
}

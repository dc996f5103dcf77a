import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ExpertAgent, rollout, type Agent, type RolloutStats } from '@workgym/agents';
import type { EnvRuntime } from '@workgym/runtime';
import type { PersonPlayer, RewardMode } from '@workgym/protocol';
import type { EpisodeRecord } from '@workgym/trajectories';
import { TrainerInputError } from '../errors.js';
import { heldOutOf, trainingEnvs } from '../eval/held-out.js';
import { readRecords, runEval, type EvalEnv } from '../eval/run-eval.js';
import { endpointAgent, type PolicyEndpoint } from '../loop/endpoint.js';
import { matrixCells, type TransferMatrix } from './matrix.js';
import { embeddedTrainer, type TransferTrainer } from './transfer-trainers.js';
import { startWarmPools, type WarmPools } from './warm-pools.js';
import { writeTransfer, type TransferFiles } from './write-transfer.js';

export interface TransferOptions {
  runtime: EnvRuntime;
  /** The envs and families: the expert episodes leave their held-out families out; every set is evaluated on all. */
  envs: EvalEnv[];
  out: string;
  trainer?: TransferTrainer;
  /** The agent that evaluates a trained policy's endpoint (default: the openai agent, greedy, sending candidates). */
  agentFor?: (endpoint: PolicyEndpoint) => Agent;
  /** Expert episodes per family for training (train split). */
  trainTasksPerFamily: number;
  /** Test episodes per family for evaluation (test split). */
  testTasksPerFamily: number;
  /** Also evaluate the untrained policy (a first row, the baseline every cell is compared with; default true). */
  baseline?: boolean;
  maxSteps?: number;
  /** What every episode's final reward pays, the expert's and the evaluations' (default success). */
  reward?: RewardMode;
  /** Plays the tasks' people instead of their scripts, in the expert's and the evaluations' episodes (see RolloutConfig.playPeople). */
  playPeople?: PersonPlayer;
  /** Instances in each env's warm pool, and episodes in flight per env for each training set. */
  parallel?: number;
  /** Every training set's progress (and the expert episodes', as `expert`), by name, on each recorded episode. */
  onProgress?: (sets: ReadonlyMap<string, RolloutStats>) => void;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface TransferResult extends TransferMatrix {
  files: TransferFiles;
}

/** Each env alone, all envs, and all but one env (for each env), without duplicates or empty sets. */
export function trainingSets(envs: readonly string[]): { name: string; envs: string[] }[] {
  const sets: { name: string; envs: string[] }[] = envs.map((e) => ({ name: e, envs: [e] }));
  if (envs.length > 1) sets.push({ name: 'all', envs: [...envs] });
  if (envs.length > 2) for (const e of envs) sets.push({ name: `all-but-${e}`, envs: envs.filter((x) => x !== e) });
  return sets;
}

/**
 * The transfer matrix: for each training set, train a policy on its envs' expert episodes
 * (held-out families left out), evaluate it on every env's test split (held-out families in), and
 * write the success rates, each paired with the untrained row on the same tasks, as markdown,
 * CSV, JSON and a PNG heatmap (rows: training sets; columns: test envs); a cell of an env with
 * held-out families is also split into trained families (unseen seeds) and held-out families. One warm pool per env serves the whole matrix: the expert episodes
 * and every set's evaluation lease from it, and the sets are evaluated at once, each as soon as
 * it is trained, so the envs never start twice and no set waits for another to finish.
 */
export async function transferMatrix(options: TransferOptions): Promise<TransferResult> {
  if (options.envs.length === 0) throw new TrainerInputError('no env to build a transfer matrix from');
  const log = options.log ?? (() => undefined);
  await mkdir(options.out, { recursive: true });
  const names = options.envs.map((e) => e.name);
  const sets = [...(options.baseline === false ? [] : [{ name: 'untrained', envs: [] as string[] }]), ...trainingSets(names)];
  const progress = new Map<string, RolloutStats>();
  const onProgress = (set: string) => (stats: RolloutStats) => {
    progress.set(set, stats);
    options.onProgress?.(progress);
  };
  log(`starting ${options.parallel ?? 2} warm instance(s) of each env: ${names.join(', ')}`);
  await using pools = await startWarmPools(options.runtime, options.envs, options.parallel ?? 2, undefined, log);
  const evaluations = new Map<string, Promise<EpisodeRecord[]>>();
  // Training runs here, one set after another (the embedded learner holds the CPU); each set's evaluation starts once it is trained.
  const start = async (set: { name: string; envs: string[] }, records: readonly EpisodeRecord[]) => {
    options.signal?.throwIfAborted();
    const dir = join(options.out, 'sets', `${String(sets.indexOf(set)).padStart(2, '0')}-${set.name}`);
    const policy = await train(options, set, records, dir);
    const evaluation = evaluate(options, pools, policy, dir, onProgress(set.name));
    // Handled in the finally below, once every set has started; until then a failure must not count as unhandled.
    evaluation.catch(() => undefined);
    evaluations.set(set.name, evaluation);
  };
  let failure: unknown;
  try {
    // The untrained row needs no expert episodes: it runs while they are rolled out.
    const untrained = sets.find((s) => s.envs.length === 0);
    if (untrained) await start(untrained, []);
    const expert = await expertEpisodes(options, pools, onProgress('expert'));
    for (const set of sets)
      if (set !== untrained)
        await start(
          set,
          expert.filter((r) => set.envs.includes(r.env ?? '')),
        );
  } catch (error) {
    failure = error;
  }
  // Every evaluation settles before the pools close under them; the first failure then goes up.
  const failed = (await Promise.allSettled(evaluations.values())).find((s) => s.status === 'rejected');
  if (failure ?? failed) throw failure ?? failed!.reason;
  const evaluated = new Map<string, EpisodeRecord[]>();
  for (const [name, records] of evaluations) evaluated.set(name, await records);
  const matrix: TransferMatrix = { trainSets: sets, testEnvs: names, cells: matrixCells(sets, names, evaluated, heldOutOf(options.envs)) };
  return { ...matrix, files: await writeTransfer(options.out, matrix) };
}

/** The expert episodes of every env's families but the held-out ones (train split), rolled out through the warm pools. */
async function expertEpisodes(options: TransferOptions, pools: WarmPools, onProgress: (stats: RolloutStats) => void): Promise<EpisodeRecord[]> {
  const dir = join(options.out, 'expert');
  const envs = trainingEnvs(options.envs);
  const heldOut = [...heldOutOf(options.envs)];
  options.log?.(`expert episodes (${options.trainTasksPerFamily} per family)${heldOut.length ? `; held out of training: ${heldOut.join(', ')}` : ''}`);
  if (envs.length === 0) return [];
  await rollout({
    runtime: options.runtime,
    agent: new ExpertAgent(),
    envs,
    out: dir,
    tasksPerFamily: options.trainTasksPerFamily,
    group: 1,
    split: 'train',
    seed: 0,
    parallel: options.parallel ?? 2,
    pools: pools.byEnv,
    limits: { maxSteps: options.maxSteps ?? 30, stepDeadlineMs: 60_000, episodeDeadlineMs: 30 * 60_000 },
    reward: options.reward,
    playPeople: options.playPeople,
    spec: { purpose: 'transfer-expert' },
    onProgress,
  });
  return readRecords(dir);
}

type TrainedPolicy = Awaited<ReturnType<TransferTrainer['train']>>;

function train(options: TransferOptions, set: { name: string; envs: string[] }, records: readonly EpisodeRecord[], dir: string): Promise<TrainedPolicy> {
  const trainer = options.trainer ?? embeddedTrainer();
  options.log?.(`training on ${set.name} (${set.envs.join(', ') || 'nothing'}) with the ${trainer.kind} trainer`);
  return trainer.train(set.name, records, join(dir, 'policy'), options.signal);
}

/** Evaluates a trained policy on every env's test split through the warm pools, then closes it. */
async function evaluate(
  options: TransferOptions,
  pools: WarmPools,
  policy: TrainedPolicy,
  dir: string,
  onProgress: (stats: RolloutStats) => void,
): Promise<EpisodeRecord[]> {
  try {
    const { records } = await runEval({
      runtime: options.runtime,
      envs: options.envs,
      agent: options.agentFor?.(policy.endpoint) ?? endpointAgent(policy.endpoint, { temperature: 0 }),
      out: join(dir, 'eval'),
      split: 'test',
      tasksPerFamily: options.testTasksPerFamily,
      maxSteps: options.maxSteps,
      parallel: options.parallel,
      reward: options.reward,
      playPeople: options.playPeople,
      pools: pools.byEnv,
      onProgress,
    });
    return records;
  } finally {
    await policy.close();
  }
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Agent, Parallel, RolloutStats } from '@workgym/agents';
import type { RewardMode } from '@workgym/protocol';
import type { EnvRuntime } from '@workgym/runtime';
import type { EpisodeRecord } from '@workgym/trajectories';
import { TrainerInputError } from '../errors.js';
import { heldOutOf, trainingEnvs } from '../eval/held-out.js';
import type { EvalEnv } from '../eval/run-eval.js';
import {
  computeAdvantages,
  formatAdvantageDiagnostics,
  scoredEpisodes,
  type AdvantageEstimator,
  type AdvantageScope,
  type AdvantageDiagnostics,
} from '../rl/advantages.js';
import { writeBatchFile } from './batch-file.js';
import { writeCurves, type CurveFiles, type CurvePoint, type TestPoint } from './curves.js';
import { sampleInformativeGroups } from './dynamic-sampling.js';
import { endpointAgent, type PolicyEndpoint } from './endpoint.js';
import { PerSampleAgent } from './per-sample-agent.js';
import type { PolicyUpdater } from './policy-updater.js';
import {
  compareEvaluations,
  evaluateOnTest,
  evaluationIterations,
  formatComparison,
  type LearningComparison,
  type TestEvaluation,
  type TestEvaluationOptions,
} from './test-eval.js';

export interface RlLoopOptions {
  runtime: EnvRuntime;
  /** The envs and families: training samples their families but the held-out ones; test evaluations cover all. */
  envs: EvalEnv[];
  updater: PolicyUpdater;
  /**
   * How the rollouts of `sample` (0..G-1) act with the current endpoint (default: the openai agent
   * sampling at `temperature`, seeded by iteration and sample). Give each sample its own seed: a
   * seeded policy answers the same request alike, so one seed for a group gives G equal rollouts.
   */
  agentFor?: (endpoint: PolicyEndpoint, iteration: number, sample: number) => Agent;
  out: string;
  iterations: number;
  /** Tasks per family per iteration (fresh train seeds every iteration); with dynamic sampling, the informative groups wanted per family. */
  tasksPerIteration: number;
  /** Rollouts per task (G). */
  group: number;
  estimator: AdvantageEstimator;
  normalize?: AdvantageScope;
  temperature?: number;
  seed?: number;
  maxSteps?: number;
  parallel?: Parallel;
  /** What the rollouts' final rewards pay, and so the advantages see (default success, 0 or 1); test evaluations use it too. */
  reward?: RewardMode;
  /**
   * Dynamic sampling (DAPO): at most this many sampling rounds per iteration, skipping groups
   * whose rewards do not vary (default 1: off, every group kept).
   */
  maxSampleRounds?: number;
  /** Held-out evaluation on fixed test seeds (default: none). */
  evaluation?: TestEvaluationOptions;
  onIteration?: (summary: IterationSummary) => void;
  onEvaluation?: (evaluation: TestEvaluation) => void;
  onProgress?: (stats: RolloutStats) => void;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface IterationSummary {
  iteration: number;
  points: CurvePoint[];
  diagnostics: AdvantageDiagnostics;
  warnings: string[];
  endpoint: PolicyEndpoint;
  /** Sampling rounds spent, informative groups kept and zero-variance groups skipped (dynamic sampling). */
  rounds: number;
  informativeGroups: number;
  skippedGroups: number;
}

export interface RlLoopResult extends CurveFiles {
  points: CurvePoint[];
  tests: TestPoint[];
  /** The last test evaluation against the first (iteration 0), when the loop evaluated. */
  comparison?: LearningComparison;
  endpoint: PolicyEndpoint;
}

/**
 * Online RL: sample tasks -> roll out G per task with the current policy -> rewards ->
 * advantages -> update -> repeat. Each iteration's episodes are run folders
 * (`<out>/iterations/<n>/run`, `run-1`... with dynamic sampling) with the batch file beside them;
 * test evaluations go to `<out>/evals/<n>`; curves.csv, test-curves.csv and curves.png are
 * rewritten after every iteration, and `comparison.json` after every evaluation past the first.
 */
export async function rlLoop(options: RlLoopOptions): Promise<RlLoopResult> {
  if (options.group < 2) throw new TrainerInputError(`--group must be at least 2 for group-relative advantages (got ${options.group})`);
  if (options.iterations < 1) throw new TrainerInputError('--iterations must be at least 1');
  const maxRounds = options.maxSampleRounds ?? 1;
  if (!Number.isInteger(maxRounds) || maxRounds < 1)
    throw new TrainerInputError(`the sampling rounds per iteration must be a whole number of at least 1 (got ${maxRounds})`);
  if (options.evaluation && !(options.evaluation.every >= 1 && options.evaluation.tasksPerFamily >= 1)) {
    throw new TrainerInputError('test evaluation needs at least 1 task per family and an interval of at least 1 iteration');
  }
  const sampled = trainingEnvs(options.envs);
  if (sampled.length === 0) throw new TrainerInputError('every family selected is held out of training: nothing to train on');
  await mkdir(options.out, { recursive: true });
  const points: CurvePoint[] = [];
  const tests: TestPoint[] = [];
  const evaluations: TestEvaluation[] = [];
  let comparison: LearningComparison | undefined;
  const maxSteps = options.maxSteps ?? 30;
  const parallel = options.parallel ?? 2;
  const evaluateAt = new Set(options.evaluation ? evaluationIterations(options.iterations, options.evaluation.every) : []);
  const title = `${options.updater.kind} ${options.estimator}: train reward and test success per iteration`;
  let endpoint = await options.updater.start(options.signal);
  let files: CurveFiles = { csv: '', png: '' };
  const evaluate = async (iteration: number) => {
    if (!options.evaluation || !evaluateAt.has(iteration)) return;
    const evaluation = await evaluateOnTest(
      { ...options.evaluation, runtime: options.runtime, envs: options.envs, out: options.out, maxSteps, parallel, reward: options.reward },
      endpoint,
      iteration,
    );
    evaluations.push(evaluation);
    tests.push(...evaluation.points);
    options.onEvaluation?.(evaluation);
    if (evaluations.length > 1) {
      comparison = compareEvaluations(evaluations[0]!, evaluation, heldOutOf(options.envs));
      await writeFile(join(options.out, 'comparison.json'), JSON.stringify(comparison, null, 2) + '\n');
      for (const line of formatComparison(comparison)) options.log?.(`test: ${line}`);
    }
  };
  let nextSeed = options.seed ?? 0;
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    options.signal?.throwIfAborted();
    await evaluate(iteration);
    const dir = join(options.out, 'iterations', String(iteration).padStart(3, '0'));
    await mkdir(dir, { recursive: true });
    const current = endpoint;
    const agent = new PerSampleAgent(
      (sample) =>
        options.agentFor?.(current, iteration, sample) ??
        endpointAgent(current, { temperature: options.temperature ?? 1, seed: samplingSeed(options.seed ?? 0, iteration, options.group, sample) }),
    );
    const batch = await sampleInformativeGroups({
      runtime: options.runtime,
      envs: sampled,
      agent,
      dir,
      tasksPerRound: options.tasksPerIteration,
      group: options.group,
      firstSeed: nextSeed,
      maxRounds,
      maxSteps,
      parallel,
      reward: options.reward,
      iteration,
      estimator: options.estimator,
      onProgress: options.onProgress,
      log: options.log,
    });
    nextSeed = batch.nextSeed;
    // Diagnostics over everything sampled (what the policy met); advantages over the batch kept.
    const { diagnostics } = computeAdvantages(scoredEpisodes(batch.sampled), { estimator: options.estimator });
    const { advantages } = computeAdvantages(scoredEpisodes(batch.kept), { estimator: options.estimator, normalize: options.normalize });
    const iterationPoints = curvePoints(iteration, batch.sampled, diagnostics);
    points.push(...iterationPoints);
    const file = join(dir, 'batch.jsonl');
    await writeBatchFile(file, batch.kept, advantages);
    endpoint = await options.updater.update({ iteration, file, records: batch.kept, advantages, dir }, options.signal);
    if (iteration === options.iterations - 1) await evaluate(options.iterations);
    files = await writeCurves(options.out, points, title, tests);
    // With dynamic sampling the skipped groups are the design, not a problem to report.
    const warnings = maxRounds > 1 ? [] : formatAdvantageDiagnostics(diagnostics);
    for (const w of warnings) options.log?.(`iteration ${iteration}: ${w}`);
    options.onIteration?.({
      iteration,
      points: iterationPoints,
      diagnostics,
      warnings,
      endpoint,
      rounds: batch.rounds,
      informativeGroups: batch.informativeGroups,
      skippedGroups: batch.skippedGroups,
    });
  }
  return { points, tests, ...files, ...(comparison ? { comparison } : {}), endpoint };
}

/** A distinct sampling seed for every (iteration, sample) of a run started at `seed`. */
export function samplingSeed(seed: number, iteration: number, group: number, sample: number): number {
  return seed + iteration * group + sample;
}

function curvePoints(iteration: number, records: readonly EpisodeRecord[], diagnostics: AdvantageDiagnostics): CurvePoint[] {
  const envs = [...new Set(records.map((r) => r.env ?? ''))].sort();
  return envs.map((env) => {
    const mine = records.filter((r) => r.env === env);
    return {
      iteration,
      env,
      episodes: mine.length,
      meanReward: mine.reduce((a, r) => a + (r.finalReward ?? 0), 0) / mine.length,
      successRate: mine.filter((r) => r.success).length / mine.length,
      zeroVarianceGroups: diagnostics.byEnv[env]?.zeroVariance ?? 0,
      groups: diagnostics.byEnv[env]?.groups ?? 0,
    };
  });
}

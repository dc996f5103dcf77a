import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { rollout, type Agent, type RolloutStats } from '@workgym/agents';
import type { EnvRuntime } from '@workgym/runtime';
import type { EpisodeRecord } from '@workgym/trajectories';
import { TrainerInputError } from '../errors.js';
import type { EvalEnv } from '../eval/run-eval.js';
import { readRecords } from '../eval/run-eval.js';
import {
  computeAdvantages,
  formatAdvantageDiagnostics,
  scoredEpisodes,
  type AdvantageEstimator,
  type AdvantageScope,
  type AdvantageDiagnostics,
} from '../rl/advantages.js';
import { writeBatchFile } from './batch-file.js';
import { writeCurves, type CurvePoint } from './curves.js';
import { endpointAgent, type PolicyEndpoint } from './endpoint.js';
import type { PolicyUpdater } from './policy-updater.js';

export interface RlLoopOptions {
  runtime: EnvRuntime;
  envs: EvalEnv[];
  updater: PolicyUpdater;
  /** How actions are generated from the current endpoint (default: the openai agent sampling at `temperature`). */
  agentFor?: (endpoint: PolicyEndpoint, iteration: number) => Agent;
  out: string;
  iterations: number;
  /** Tasks per family per iteration (fresh train seeds every iteration). */
  tasksPerIteration: number;
  /** Rollouts per task (G). */
  group: number;
  estimator: AdvantageEstimator;
  normalize?: AdvantageScope;
  temperature?: number;
  seed?: number;
  maxSteps?: number;
  parallel?: number;
  onIteration?: (summary: IterationSummary) => void;
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
}

export interface RlLoopResult {
  points: CurvePoint[];
  csv: string;
  png: string;
  endpoint: PolicyEndpoint;
}

/**
 * Online RL: sample tasks -> roll out G per task with the current policy -> rewards ->
 * advantages -> update -> repeat. Each iteration's episodes are a run folder
 * (`<out>/iterations/<n>/run`) with its batch file beside it; curves.csv and curves.png
 * (reward per iteration per env) are rewritten after every iteration.
 */
export async function rlLoop(options: RlLoopOptions): Promise<RlLoopResult> {
  if (options.group < 2) throw new TrainerInputError(`--group must be at least 2 for group-relative advantages (got ${options.group})`);
  if (options.iterations < 1) throw new TrainerInputError('--iterations must be at least 1');
  await mkdir(options.out, { recursive: true });
  const points: CurvePoint[] = [];
  let endpoint = await options.updater.start(options.signal);
  let files = { csv: '', png: '' };
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    options.signal?.throwIfAborted();
    const dir = join(options.out, 'iterations', String(iteration).padStart(3, '0'));
    await mkdir(dir, { recursive: true });
    const agent =
      options.agentFor?.(endpoint, iteration) ?? endpointAgent(endpoint, { temperature: options.temperature ?? 1, seed: (options.seed ?? 0) + iteration });
    await rollout({
      runtime: options.runtime,
      agent,
      envs: options.envs,
      out: join(dir, 'run'),
      tasksPerFamily: options.tasksPerIteration,
      group: options.group,
      split: 'train',
      seed: (options.seed ?? 0) + iteration * options.tasksPerIteration,
      parallel: options.parallel ?? 2,
      limits: { maxSteps: options.maxSteps ?? 30, stepDeadlineMs: 60_000, episodeDeadlineMs: 30 * 60_000 },
      spec: { purpose: 'rl', iteration, estimator: options.estimator },
      onProgress: options.onProgress,
      log: options.log,
    });
    const records = await readRecords(join(dir, 'run'));
    const scored = scoredEpisodes(records);
    const { advantages, diagnostics } = computeAdvantages(scored, { estimator: options.estimator, normalize: options.normalize });
    const iterationPoints = curvePoints(iteration, records, diagnostics);
    points.push(...iterationPoints);
    const file = join(dir, 'batch.jsonl');
    await writeBatchFile(file, records, advantages);
    endpoint = await options.updater.update({ iteration, file, records, advantages, dir }, options.signal);
    files = await writeCurves(options.out, points, `${options.updater.kind} ${options.estimator}: mean reward per iteration`);
    const warnings = formatAdvantageDiagnostics(diagnostics);
    for (const w of warnings) options.log?.(`iteration ${iteration}: ${w}`);
    options.onIteration?.({ iteration, points: iterationPoints, diagnostics, warnings, endpoint });
  }
  return { points, ...files, endpoint };
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

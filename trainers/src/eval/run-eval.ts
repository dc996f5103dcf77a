import { PerturbedAgent, rollout, type Agent, type Parallel, type RolloutStats } from '@workgym/agents';
import type { PersonPlayer, RewardMode } from '@workgym/protocol';
import type { EnvPool, EnvRuntime, EnvServerSpec } from '@workgym/runtime';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { evaluateRecords, type EvalOptions, type EvalReport } from './evaluate.js';
import { heldOutOf } from './held-out.js';

export interface EvalEnv {
  name: string;
  spec: EnvServerSpec;
  families: string[];
  /**
   * Families kept out of training (the catalogue's held_out, or the user's choice): trainers draw
   * no training episode from them, and their evaluations report them apart (unseen families).
   */
  heldOut?: string[];
}

export interface RunEvalOptions extends EvalOptions {
  runtime: EnvRuntime;
  envs: EvalEnv[];
  agent: Agent;
  /** The run folder the episodes are written to (must not hold a run). */
  out: string;
  split?: string;
  tasksPerFamily: number;
  group?: number;
  seed?: number;
  maxSteps?: number;
  /** Episodes in flight per env, or 'auto' (see RolloutConfig.parallel). */
  parallel?: Parallel;
  stepTimeoutMs?: number;
  /** Reset options for every episode (see RolloutConfig.resetOptions). */
  resetOptions?: Record<string, unknown>;
  /** What each episode's final reward pays (default success; the report's mean score is the shaped reward either way). */
  reward?: RewardMode;
  /** Plays the tasks' people instead of their scripts (see RolloutConfig.playPeople). */
  playPeople?: PersonPlayer;
  /**
   * Random candidate actions (never `submit` or `answer`) for each episode's first N steps, before
   * the agent takes over: how well it acts from states off its own path. The same task gets the
   * same perturbation in every eval, so two agents' results pair by task.
   */
  perturbSteps?: number;
  /** Warm pools to lease from, by env name, instead of starting new ones (the caller closes them). */
  pools?: ReadonlyMap<string, EnvPool>;
  onProgress?: (stats: RolloutStats) => void;
  log?: (line: string) => void;
}

/** Reads every record of a run folder. */
export async function readRecords(dir: string): Promise<EpisodeRecord[]> {
  await using reader = await openRun(dir);
  const all: EpisodeRecord[] = [];
  for await (const record of reader.records()) all.push(record);
  return all;
}

/** Rolls the agent out on the envs' tasks (test split by default) and evaluates the run. */
export async function runEval(options: RunEvalOptions): Promise<{ report: EvalReport; records: EpisodeRecord[]; runDir: string }> {
  const agent = options.perturbSteps ? new PerturbedAgent(options.agent, options.perturbSteps) : options.agent;
  await rollout({
    runtime: options.runtime,
    agent,
    envs: options.envs,
    out: options.out,
    tasksPerFamily: options.tasksPerFamily,
    group: options.group ?? 1,
    split: options.split ?? 'test',
    seed: options.seed ?? 0,
    parallel: options.parallel ?? 2,
    pools: options.pools,
    limits: { maxSteps: options.maxSteps ?? 30, stepDeadlineMs: options.stepTimeoutMs ?? 60_000, episodeDeadlineMs: 30 * 60_000 },
    resetOptions: options.resetOptions,
    reward: options.reward,
    playPeople: options.playPeople,
    spec: { purpose: 'eval', agent: agent.info, ...(options.resetOptions ? { resetOptions: options.resetOptions } : {}) },
    onProgress: options.onProgress,
    log: options.log,
  });
  const records = await readRecords(options.out);
  return { report: evaluateRecords(records, { ...options, heldOut: heldOutOf(options.envs) }), records, runDir: options.out };
}

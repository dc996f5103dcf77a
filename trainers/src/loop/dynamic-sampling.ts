import { join } from 'node:path';
import type { RewardMode } from '@workgym/protocol';
import { rollout, type Agent, type Parallel, type RolloutStats } from '@workgym/agents';
import type { EnvRuntime } from '@workgym/runtime';
import type { EpisodeRecord } from '@workgym/trajectories';
import { readRecords, type EvalEnv } from '../eval/run-eval.js';

export interface SamplingOptions {
  runtime: EnvRuntime;
  envs: EvalEnv[];
  agent: Agent;
  /** The iteration's folder: round r's episodes go to `run` (r = 0) or `run-<r>`. */
  dir: string;
  /** Tasks per family per round, and the informative groups wanted per family. */
  tasksPerRound: number;
  group: number;
  /** The first train seed; each round takes the next `tasksPerRound` seeds. */
  firstSeed: number;
  /**
   * Most rounds per iteration. 1 turns dynamic sampling off: one round, every group kept,
   * zero-variance ones included (their advantage is 0).
   */
  maxRounds: number;
  maxSteps: number;
  parallel: Parallel;
  /** What each episode's final reward (the advantages' input) pays (default success). */
  reward?: RewardMode;
  iteration: number;
  estimator: string;
  onProgress?: (stats: RolloutStats) => void;
  log?: (line: string) => void;
}

export interface SampledBatch {
  /** Every episode sampled this iteration, all rounds (the train curve reads these). */
  sampled: EpisodeRecord[];
  /** The episodes of the groups kept for the update. */
  kept: EpisodeRecord[];
  rounds: number;
  informativeGroups: number;
  /** Groups left out because every rollout got the same reward. */
  skippedGroups: number;
  /** The first seed not yet used. */
  nextSeed: number;
}

/**
 * DAPO's dynamic sampling (Yu et al. 2025): a group whose rollouts all got the same reward has
 * advantage 0 and only dilutes the batch, so it is skipped and more fresh train tasks are rolled
 * out, round after round, until the batch holds `tasksPerRound` informative groups per family or
 * `maxRounds` rounds were spent. Every round uses new seeds, so no task is seen twice.
 */
export async function sampleInformativeGroups(options: SamplingOptions): Promise<SampledBatch> {
  const sampled: EpisodeRecord[] = [];
  const kept: EpisodeRecord[] = [];
  const wanted = options.tasksPerRound * options.envs.reduce((n, e) => n + e.families.length, 0);
  let seed = options.firstSeed;
  let rounds = 0;
  let informativeGroups = 0;
  let skippedGroups = 0;
  while (rounds < options.maxRounds) {
    const out = join(options.dir, rounds === 0 ? 'run' : `run-${rounds}`);
    await rollout({
      runtime: options.runtime,
      agent: options.agent,
      envs: options.envs,
      out,
      tasksPerFamily: options.tasksPerRound,
      group: options.group,
      split: 'train',
      seed,
      parallel: options.parallel,
      limits: { maxSteps: options.maxSteps, stepDeadlineMs: 60_000, episodeDeadlineMs: 30 * 60_000 },
      reward: options.reward,
      spec: { purpose: 'rl', iteration: options.iteration, round: rounds, estimator: options.estimator },
      onProgress: options.onProgress,
      log: options.log,
    });
    seed += options.tasksPerRound;
    rounds += 1;
    const records = await readRecords(out);
    sampled.push(...records);
    if (options.maxRounds === 1) {
      kept.push(...records);
      break;
    }
    for (const members of groupsOf(records)) {
      if (rewardsVary(members)) {
        kept.push(...members);
        informativeGroups += 1;
      } else skippedGroups += 1;
    }
    if (informativeGroups >= wanted) break;
  }
  if (options.maxRounds > 1 && informativeGroups < wanted) {
    options.log?.(
      `iteration ${options.iteration}: ${informativeGroups} of ${wanted} informative groups after ${rounds} sampling rounds (${skippedGroups} groups skipped: every rollout got the same reward); updating on what there is`,
    );
  }
  return { sampled, kept, rounds, informativeGroups, skippedGroups, nextSeed: seed };
}

function groupsOf(records: readonly EpisodeRecord[]): EpisodeRecord[][] {
  const groups = new Map<string, EpisodeRecord[]>();
  for (const r of records) {
    const key = r.groupId ?? r.episodeId ?? '';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

function rewardsVary(members: readonly EpisodeRecord[]): boolean {
  return members.length > 1 && members.some((m) => (m.finalReward ?? 0) !== (members[0]!.finalReward ?? 0));
}

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  createRun,
  openRun,
  rewardModeOf,
  RunExistsError,
  shapedRewardOf,
  type EpisodeRecord,
  type RunReader,
  type RunWriter,
  type StepRecord,
} from '@workgym/trajectories';
import { paidReward } from '@workgym/protocol';
import type { EnvRuntime, EnvServerSpec } from '@workgym/runtime';
import type { Agent, AgentAction, AgentContext } from '../agent.js';
import { recordedAction } from '../agents/replay-agent.js';
import type { EpisodeLimits } from '../run-episode.js';
import { rollout, type RolloutConfig } from '../rollout/rollout.js';
import type { WorkItem } from '../rollout/work-item.js';
import { replayDivergence, type Divergence } from './replay-divergence.js';

export interface RescoreOptions {
  /** The run to rescore; it is only read. */
  from: string;
  /** The new run's folder (must not hold a run). */
  out: string;
  runtime: EnvRuntime;
  /** Each env's server spec, by env name: every env the run used. */
  envs: ReadonlyMap<string, EnvServerSpec>;
  parallel: number;
  limits: EpisodeLimits;
  /** The reset options the run's episodes were reset with (its manifest's `resetOptions`). */
  resetOptions?: Record<string, unknown>;
  onProgress?: RolloutConfig['onProgress'];
  log?: (line: string) => void;
}

/** One episode whose verdict the rescore changed. */
export interface ChangedVerdict {
  episodeId: string;
  family: string;
  before: Verdict;
  after: Verdict;
}

export interface Verdict {
  status: string;
  success: boolean;
  reward: number;
}

export interface FamilyRescore {
  family: string;
  episodes: number;
  changed: number;
  diverged: number;
  /** Episodes whose replay the env could not finish (infra faults): they keep their old verdict and version. */
  failed: number;
  successBefore: number;
  successAfter: number;
  versionsBefore: string[];
  versionAfter: string;
}

export interface RescoreReport {
  from: string;
  out: string;
  episodes: number;
  changed: number;
  diverged: number;
  failed: number;
  families: FamilyRescore[];
  changes: ChangedVerdict[];
  divergences: (Divergence & { episodeId: string; family: string })[];
}

/**
 * Statuses whose verdict the env gave: their recorded actions are replayed and re-verified. The
 * others (the agent failed, the env broke) end with reward 0 whatever the verifier says; they
 * are reset only to learn today's verifier version, and keep their verdict.
 */
const REPLAYED = new Set(['success', 'failure', 'truncated', 'stuck']);

/**
 * Replays every episode of a run on a fresh env with the same task (env, family, split, seed),
 * re-verifies it with today's verifiers and writes the result as a new run: each record is the
 * recorded one (agent, text, calls, tokens, timings) with the replay's verdict and verifier
 * version, its final reward paid under the record's own reward mode (a record from before modes:
 * shaped) from today's shaped reward, which the env server computes from the family's declared
 * components. The run replayed is never written. A replay whose observations differ from the
 * recorded ones (see replayDivergence) is reported as diverged; its verdict is still today's
 * verdict of the recorded actions, to be read with that in mind.
 */
export async function rescoreRun(options: RescoreOptions): Promise<RescoreReport> {
  // Refused before the replays, not after them.
  if (existsSync(join(options.out, 'manifest.json'))) throw new RunExistsError(`${options.out} already holds a run; pick another --out`);
  await using source = await openRun(options.from);
  const records: EpisodeRecord[] = [];
  for await (const record of source.records()) records.push(record);
  const scratch = await mkdtemp(join(tmpdir(), 'workgym-rescore-'));
  try {
    const replays = await replayAll(source, records, options, join(scratch, 'replay'));
    const writer = await createRun(options.out, { spec: { ...(source.manifest.spec as object | null), rescoredFrom: rescoredFrom(source) } });
    try {
      const report = await writeRescored(source, writer, records, replays, options);
      await writer.finalize();
      return report;
    } finally {
      await writer.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function rescoredFrom(source: RunReader): { run: string; runId: string; at: string } {
  return { run: resolve(source.dir), runId: source.manifest.runId, at: new Date().toISOString() };
}

/** Plays every episode again through a rollout into a scratch run; returns the replays by episode id. */
async function replayAll(source: RunReader, records: readonly EpisodeRecord[], options: RescoreOptions, dir: string): Promise<Map<string, EpisodeRecord>> {
  const byId = new Map(records.map((r) => [r.episodeId!, r]));
  const envs = [...new Set(records.map((r) => r.env!))].map((name) => {
    const spec = options.envs.get(name);
    if (!spec) throw new Error(`the run has episodes of env ${JSON.stringify(name)}, which is not available to replay them`);
    return { name, spec, families: [...new Set(records.filter((r) => r.env === name).map((r) => r.family!))] };
  });
  const items: WorkItem[] = records.map((r) => ({
    episodeId: r.episodeId!,
    groupId: r.groupId ?? '',
    env: r.env!,
    family: r.family!,
    split: r.split || 'train',
    seed: Number(r.seed),
    sample: 0,
  }));
  await rollout({
    runtime: options.runtime,
    agent: new RescoreAgent(byId),
    envs,
    out: dir,
    tasksPerFamily: 0,
    group: 1,
    split: 'train',
    seed: 0,
    parallel: options.parallel,
    limits: options.limits,
    resetOptions: options.resetOptions,
    // The replay's shaped reward is today's; each record is then paid it or its success under its own mode (rescored()).
    reward: 'shaped',
    items,
    spec: { rescoring: source.dir },
    onProgress: options.onProgress,
    log: options.log,
  });
  await using replayed = await openRun(dir);
  const replays = new Map<string, EpisodeRecord>();
  for await (const record of replayed.records()) replays.set(record.episodeId!, record);
  return replays;
}

async function writeRescored(
  source: RunReader,
  writer: RunWriter,
  records: readonly EpisodeRecord[],
  replays: ReadonlyMap<string, EpisodeRecord>,
  options: RescoreOptions,
): Promise<RescoreReport> {
  const report: RescoreReport = {
    from: options.from,
    out: options.out,
    episodes: 0,
    changed: 0,
    diverged: 0,
    failed: 0,
    families: [],
    changes: [],
    divergences: [],
  };
  const families = new Map<string, FamilyRescore>();
  const runId = basename(resolve(options.out));
  for (const record of records) {
    const family = record.family!;
    const entry =
      families.get(family) ??
      families
        .set(family, { family, episodes: 0, changed: 0, diverged: 0, failed: 0, successBefore: 0, successAfter: 0, versionsBefore: [], versionAfter: '' })
        .get(family)!;
    const replay = replays.get(record.episodeId!);
    const outcome = rescored(record, replay);
    entry.episodes += 1;
    entry.successBefore += Number(Boolean(record.success));
    entry.successAfter += Number(Boolean(outcome.record.success));
    if (!entry.versionsBefore.includes(record.verifierVersion ?? '')) entry.versionsBefore.push(record.verifierVersion ?? '');
    if (outcome.failed) entry.failed += 1;
    else entry.versionAfter = outcome.record.verifierVersion ?? '';
    if (outcome.divergence) {
      entry.diverged += 1;
      report.divergences.push({ episodeId: record.episodeId!, family, ...outcome.divergence });
    }
    const before = verdictOf(record);
    const after = verdictOf(outcome.record);
    if (before.status !== after.status || before.success !== after.success || Math.abs(before.reward - after.reward) > 1e-9) {
      entry.changed += 1;
      report.changes.push({ episodeId: record.episodeId!, family, before, after });
    }
    await copyBlobs(source, writer, record);
    await writer.append({ ...outcome.record, runId });
  }
  report.families = [...families.values()].sort((a, b) => a.family.localeCompare(b.family));
  for (const f of report.families) {
    report.episodes += f.episodes;
    report.changed += f.changed;
    report.diverged += f.diverged;
    report.failed += f.failed;
  }
  return report;
}

/** The rescored record of one episode, and what its replay showed. */
function rescored(record: EpisodeRecord, replay: EpisodeRecord | undefined): { record: EpisodeRecord; divergence?: Divergence; failed: boolean } {
  if (!replay || replay.status === 'infra_error' || (replay.status === 'env_broken' && record.status !== 'env_broken')) {
    return { record, failed: true };
  }
  const verifierVersion = replay.verifierVersion ?? '';
  const rewardMode = rewardModeOf(record);
  if (!replayable(record)) return { record: { ...record, verifierVersion, rewardMode, shapedReward: shapedRewardOf(record) }, failed: false };
  const divergence = replayDivergence(record, replay);
  const steps = (record.steps ?? []).map((step, i): StepRecord => {
    const again = replay.steps?.[i];
    return again ? { ...step, reward: again.reward, terminated: again.terminated, truncated: again.truncated } : step;
  });
  return {
    record: {
      ...record,
      steps,
      verifierVersion,
      finalReward: paidReward(rewardMode, Boolean(replay.success), shapedRewardOf(replay)),
      rewardMode,
      shapedReward: shapedRewardOf(replay),
      rewardComponents: replay.rewardComponents,
      verdictDetail: replay.verdictDetail,
      stateChanges: replay.stateChanges,
      stateChangesTruncated: replay.stateChangesTruncated,
      success: replay.success,
      infeasible: replay.infeasible ?? false,
      status: replay.status,
      errorMessage: replay.errorMessage,
    },
    divergence,
    failed: false,
  };
}

/** A recorded episode the env ended (not the agent's failure, not the clock): its verdict is the verifier's. */
function replayable(record: EpisodeRecord): boolean {
  if (!REPLAYED.has(record.status ?? '')) return false;
  const last = record.steps?.at(-1);
  return record.status !== 'truncated' || Boolean(last?.terminated || last?.truncated);
}

function verdictOf(record: EpisodeRecord): Verdict {
  return { status: record.status ?? '', success: Boolean(record.success), reward: record.finalReward ?? 0 };
}

/** The recorded observations' images go with the records into the new run. */
async function copyBlobs(source: RunReader, writer: RunWriter, record: EpisodeRecord): Promise<void> {
  for (const step of record.steps ?? []) {
    for (const image of step.observation?.images ?? []) if (image.sha256) await writer.putBlob(await source.blob(image.sha256));
  }
}

/** Not replayed: the recorded episode ended with the agent's failure or a broken env. */
class NotReplayedError extends Error {}

/**
 * Plays a recorded episode's calls step by step. An episode that is not replayed ends at once
 * (the reset still tells today's verifier version); a replay that outlives its recording ends
 * there too rather than send empty steps (the divergence check reports the difference).
 */
class RescoreAgent implements Agent {
  readonly info = { kind: 'replay', model: '', contextPolicy: 'none' };

  constructor(private readonly records: ReadonlyMap<string, EpisodeRecord>) {}

  async act(context: AgentContext): Promise<AgentAction> {
    const record = this.records.get(context.episodeId)!;
    if (!replayable(record)) throw new NotReplayedError('not replayed: the recorded episode did not end with a verdict');
    const action = recordedAction(record, context.stepIndex);
    if (!action) throw new NotReplayedError(`the recorded episode ends after ${context.stepIndex} steps`);
    return action;
  }
}

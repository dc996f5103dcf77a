import { compareDifficulties, ksUpTo, reliability, scenarioKey, type Outcome, type Reliability } from '../stats/reliability.js';
import type { TaskMean } from '../stats/pass-k.js';
import type { EpisodeSummary } from './episode-summary.js';
import type { RunReader } from './run-reader.js';

/** A group's reliability figures (by k of RunStats.ks), and its counts. */
export interface GroupStats extends Reliability {
  successes: number;
  /** 0..1 */
  successRate: number;
  steps: number;
  meanSteps: number;
  promptTokens: number;
  completionTokens: number;
  /** Times episodes were played: each counts 1 + its retries after infrastructure faults. */
  attempts: number;
  /** Episodes that needed more than one attempt (whatever their final status). */
  retried: number;
  /** Episodes recorded as `infra_error`: every attempt met an infrastructure fault. */
  infraErrors: number;
  /** Steps injected as noise (`rollout --agent expert --noise`), and the episodes that have any. */
  injectedSteps: number;
  injectedEpisodes: number;
  byStatus: Record<string, number>;
}

export interface RunStats extends GroupStats {
  runId: string;
  /** "open" | "finalised" */
  runStatus: string;
  /** The k of pass@k and pass^k: 1 up to the most tries of one task. */
  ks: number[];
  byEnv: Record<string, GroupStats>;
  byFamily: Record<string, GroupStats>;
  byJob: Record<string, GroupStats>;
  /** By the task's difficulty: its tier where the family has tiers ("" for records written before it was recorded). */
  byDifficulty: Record<string, GroupStats>;
  /**
   * By whether the seed could be done ("feasible", "infeasible"), when the run holds an
   * infeasible seed; empty otherwise. Giving up scores only on the infeasible ones.
   */
  byFeasibility: Record<string, GroupStats>;
}

/** Counts from the episode index alone (no record is decoded). */
export function runStats(reader: RunReader): RunStats {
  const summaries = reader.summaries();
  const ks = ksUpTo(summaries.map(outcome));
  return {
    runId: reader.manifest.runId,
    runStatus: reader.manifest.status,
    ks,
    ...groupStats(summaries, ks),
    byEnv: groupBy(summaries, (s) => s.env, ks),
    byFamily: groupBy(summaries, (s) => s.family, ks),
    byJob: groupBy(summaries, (s) => s.job, ks),
    byDifficulty: groupBy(summaries, (s) => s.difficulty, ks, compareDifficulties),
    byFeasibility: summaries.some((s) => s.infeasible) ? groupBy(summaries, (s) => (s.infeasible ? 'infeasible' : 'feasible'), ks) : {},
  };
}

function outcome(s: EpisodeSummary): Outcome {
  return { task: s.groupId || s.episodeId, scenario: scenarioKey(s), success: s.success, reward: s.shapedReward };
}

function groupBy(
  summaries: EpisodeSummary[],
  key: (s: EpisodeSummary) => string,
  ks: number[],
  order: (a: string, b: string) => number = (a, b) => (a < b ? -1 : a > b ? 1 : 0),
): Record<string, GroupStats> {
  const groups = new Map<string, EpisodeSummary[]>();
  for (const s of summaries) groups.set(key(s), [...(groups.get(key(s)) ?? []), s]);
  const out: Record<string, GroupStats> = {};
  for (const name of [...groups.keys()].sort(order)) out[name] = groupStats(groups.get(name)!, ks);
  return out;
}

function groupStats(summaries: EpisodeSummary[], ks: number[]): GroupStats {
  const byStatus: Record<string, number> = {};
  let successes = 0;
  let steps = 0;
  let promptTokens = 0;
  let completionTokens = 0;
  let attempts = 0;
  let retried = 0;
  let injectedSteps = 0;
  let injectedEpisodes = 0;
  for (const s of summaries) {
    // Records from before attempts were counted hold 0, and indexes from then no value: once.
    const played = Math.max(1, s.attempts ?? 1);
    attempts += played;
    retried += Number(played > 1);
    byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    successes += Number(s.success);
    steps += s.steps;
    promptTokens += s.promptTokens;
    completionTokens += s.completionTokens;
    injectedSteps += s.injectedSteps ?? 0;
    injectedEpisodes += Number((s.injectedSteps ?? 0) > 0);
  }
  const n = summaries.length;
  const { success, meanReward, passAtK, passHatK, scenarios } = reliability(summaries.map(outcome), ks);
  return {
    episodes: n,
    successes,
    successRate: n ? successes / n : 0,
    success,
    meanReward,
    passAtK,
    passHatK,
    ...(scenarios ? { scenarios } : {}),
    steps,
    meanSteps: n ? steps / n : 0,
    promptTokens,
    completionTokens,
    attempts,
    retried,
    infraErrors: byStatus.infra_error ?? 0,
    injectedSteps,
    injectedEpisodes,
    byStatus: Object.fromEntries(Object.entries(byStatus).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * A table for people: success with its 95% interval, mean score, pass@k and pass^k for every k;
 * runs with scenarios get a column of scenario success, runs with noise one of injected steps.
 */
export function formatRunStats(stats: RunStats): string {
  const noisy = stats.injectedSteps > 0;
  const groups = [stats, ...[stats.byEnv, stats.byFamily, stats.byJob, stats.byDifficulty, stats.byFeasibility].flatMap((g) => Object.values(g))];
  const scenarios = groups.some((g) => g.scenarios);
  const header = [
    '',
    'episodes',
    'success',
    '95% CI',
    'mean score',
    ...stats.ks.map((k) => `pass@${k}`),
    ...stats.ks.map((k) => `pass^${k}`),
    ...(scenarios ? ['scenarios (n)'] : []),
    'steps/ep',
    'tokens (prompt+completion)',
    'attempts (retried)',
    'infra errors',
    ...(noisy ? ['injected steps (episodes)'] : []),
    'status',
  ];
  const estimate = (m: TaskMean | undefined) => (m ? pct(m.value) : '-');
  const row = (name: string, g: GroupStats) => [
    name,
    String(g.episodes),
    pct(g.successRate),
    `${pct(g.success.low)}–${pct(g.success.high)}`,
    g.meanReward.toFixed(3),
    ...stats.ks.map((k) => estimate(g.passAtK[String(k)])),
    ...stats.ks.map((k) => estimate(g.passHatK[String(k)])),
    ...(scenarios ? [g.scenarios ? `${pct(g.scenarios.value)} (${g.scenarios.scenarios})` : '-'] : []),
    g.meanSteps.toFixed(1),
    `${g.promptTokens}+${g.completionTokens}`,
    `${g.attempts} (${g.retried})`,
    String(g.infraErrors),
    ...(noisy ? [`${g.injectedSteps} (${g.injectedEpisodes})`] : []),
    Object.entries(g.byStatus)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  ];
  const rows = [row('all', stats)];
  const section = (title: string, groups: Record<string, GroupStats>) => {
    rows.push([title, ...header.slice(1).map(() => '')]);
    for (const [name, g] of Object.entries(groups)) rows.push(row(`  ${name || '(not recorded)'}`, g));
  };
  section('by env', stats.byEnv);
  section('by family', stats.byFamily);
  section('by job', stats.byJob);
  section('by difficulty', stats.byDifficulty);
  if (Object.keys(stats.byFeasibility).length > 0) section('by feasibility', stats.byFeasibility);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const legend =
    "success: 95% Wilson interval; mean score: the family's partial credit (the shaped reward, whatever the run's reward mode paid); pass@k / pass^k: the chance that at least one / all of k tries of a task succeed, over tasks tried at least k times" +
    (scenarios ? "; scenarios: the minimum success over a scenario's tasks, averaged over scenarios with two or more tasks" : '');
  return [`run ${stats.runId} (${stats.runStatus})`, line(header), ...rows.map(line), '', legend].join('\n');
}

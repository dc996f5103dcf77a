import type { EpisodeSummary } from './episode-summary.js';
import type { RunReader } from './run-reader.js';

export interface GroupStats {
  episodes: number;
  successes: number;
  /** 0..1 */
  successRate: number;
  meanReward: number;
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
  byEnv: Record<string, GroupStats>;
  byFamily: Record<string, GroupStats>;
  byJob: Record<string, GroupStats>;
}

/** Counts from the episode index alone (no record is decoded). */
export function runStats(reader: RunReader): RunStats {
  const summaries = reader.summaries();
  return {
    runId: reader.manifest.runId,
    runStatus: reader.manifest.status,
    ...groupStats(summaries),
    byEnv: groupBy(summaries, (s) => s.env),
    byFamily: groupBy(summaries, (s) => s.family),
    byJob: groupBy(summaries, (s) => s.job),
  };
}

function groupBy(summaries: EpisodeSummary[], key: (s: EpisodeSummary) => string): Record<string, GroupStats> {
  const groups = new Map<string, EpisodeSummary[]>();
  for (const s of summaries) groups.set(key(s), [...(groups.get(key(s)) ?? []), s]);
  const out: Record<string, GroupStats> = {};
  for (const name of [...groups.keys()].sort()) out[name] = groupStats(groups.get(name)!);
  return out;
}

function groupStats(summaries: EpisodeSummary[]): GroupStats {
  const byStatus: Record<string, number> = {};
  let successes = 0;
  let reward = 0;
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
    reward += s.finalReward;
    steps += s.steps;
    promptTokens += s.promptTokens;
    completionTokens += s.completionTokens;
    injectedSteps += s.injectedSteps ?? 0;
    injectedEpisodes += Number((s.injectedSteps ?? 0) > 0);
  }
  const n = summaries.length;
  return {
    episodes: n,
    successes,
    successRate: n ? successes / n : 0,
    meanReward: n ? reward / n : 0,
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

/** A table for people; runs with noise get a column of injected steps. */
export function formatRunStats(stats: RunStats): string {
  const noisy = stats.injectedSteps > 0;
  const header = ['', 'episodes', 'success', 'reward', 'steps/ep', 'tokens (prompt+completion)', 'attempts (retried)', 'infra errors'];
  if (noisy) header.push('injected steps (episodes)');
  header.push('status');
  const row = (name: string, g: GroupStats) => [
    name,
    String(g.episodes),
    `${(g.successRate * 100).toFixed(1)}%`,
    g.meanReward.toFixed(3),
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
    for (const [name, g] of Object.entries(groups)) rows.push(row(`  ${name}`, g));
  };
  section('by env', stats.byEnv);
  section('by family', stats.byFamily);
  section('by job', stats.byJob);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [`run ${stats.runId} (${stats.runStatus})`, line(header), ...rows.map(line)].join('\n');
}

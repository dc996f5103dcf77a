import type { EpisodeSummary } from '@workgym/trajectories';
import type { RunOverview, SourceInfo } from './api.js';
import { distribution, rate, rateRows } from './stats.js';

export interface RunFacts {
  runId: string;
  spec: unknown;
  agent: RunOverview['agent'];
  live: boolean;
  version: number;
}

/** What the background scan has read so far: per episode read, its duration and self-evaluation. */
export interface ScanFacts {
  durations: number[];
  selfEvaluations: { predicted: number; success: boolean }[];
}

export function runOverview(source: SourceInfo, run: RunFacts, summaries: readonly EpisodeSummary[], scan?: ScanFacts): RunOverview {
  const success = (s: EpisodeSummary) => s.success;
  const statuses: Record<string, number> = {};
  let retriedEpisodes = 0;
  let retries = 0;
  for (const s of summaries) {
    statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    if (s.attempts > 1) {
      retriedEpisodes++;
      retries += s.attempts - 1;
    }
  }
  const overview: RunOverview = {
    source,
    runId: run.runId,
    spec: run.spec,
    agent: run.agent,
    episodes: summaries.length,
    live: run.live,
    version: run.version,
    success: rate(summaries.filter(success).length, summaries.length),
    by: {
      env: rateRows(summaries, (s) => s.env, success),
      family: rateRows(summaries, (s) => s.family, success),
      job: rateRows(summaries, (s) => s.job, success),
      split: rateRows(summaries, (s) => s.split, success),
      difficulty: rateRows(summaries, (s) => s.difficulty || '(not recorded)', success),
      feasibility: rateRows(summaries, (s) => (s.infeasible ? 'infeasible' : 'feasible'), success),
    },
    statuses,
    retried: { episodes: retriedEpisodes, retries },
    steps: distribution(summaries.map((s) => s.steps)),
    promptTokens: distribution(summaries.map((s) => s.promptTokens)),
    completionTokens: distribution(summaries.map((s) => s.completionTokens)),
  };
  return scan ? withScan(overview, scan) : overview;
}

/** The overview with what the background scan has read so far: durations and calibration. */
export function withScan(overview: RunOverview, scan: ScanFacts): RunOverview {
  const { durationSeconds: _d, calibration: _c, ...rest } = overview;
  const calibration = calibrationOf(scan.selfEvaluations);
  return {
    ...rest,
    ...(scan.durations.length > 0 ? { durationSeconds: distribution(scan.durations) } : {}),
    ...(calibration ? { calibration } : {}),
  };
}

const CALIBRATION_BINS = 10;

function calibrationOf(pairs: ScanFacts['selfEvaluations']): RunOverview['calibration'] {
  if (pairs.length === 0) return undefined;
  const bins = Array.from({ length: CALIBRATION_BINS }, (_, i) => ({
    from: i / CALIBRATION_BINS,
    to: (i + 1) / CALIBRATION_BINS,
    n: 0,
    predicted: 0,
    verified: 0,
  }));
  let brier = 0;
  for (const { predicted, success } of pairs) {
    const p = Math.min(1, Math.max(0, predicted));
    const bin = bins[Math.min(CALIBRATION_BINS - 1, Math.floor(p * CALIBRATION_BINS))]!;
    bin.n++;
    bin.predicted += p;
    bin.verified += Number(success);
    brier += (p - Number(success)) ** 2;
  }
  // Sums become means: the mean prediction and the share verified in each bin.
  for (const bin of bins) {
    if (bin.n === 0) continue;
    bin.predicted /= bin.n;
    bin.verified /= bin.n;
  }
  return { bins, brier: brier / pairs.length, episodes: pairs.length };
}

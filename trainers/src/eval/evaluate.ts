import type { EpisodeRecord } from '@workgym/trajectories';
import { meanPassAtK } from '../stats/pass-at-k.js';
import { wilson, type Proportion } from '../stats/wilson.js';

export type EvalScope = 'all' | 'env' | 'family' | 'job';

export interface EvalRow {
  scope: EvalScope;
  key: string;
  episodes: number;
  /** Success rate with its 95% Wilson interval. */
  success: Proportion;
  meanReward: number;
  /** Unbiased pass@k over the groups (tasks) with at least k rollouts, by k. */
  passAtK: Record<string, { value: number; groups: number }>;
  meanSteps: number;
  /** Prompt + completion tokens per episode, as the agent reported them (0 when it reports none). */
  meanTokens: number;
  /** Episodes that ended in agent_error, env_broken or infra_error (counted as failures above). */
  errors: number;
  /** Episodes lost to infrastructure faults (infra_error): in `episodes` unless excluded. */
  infraErrors: number;
}

export interface EvalReport {
  /** Episodes the rates are over (infra errors left out when excluded). */
  episodes: number;
  /** Episodes recorded as infra_error, and whether the rates count them as failures or leave them out. */
  infraErrors: number;
  infraErrorsAre: 'failures' | 'excluded';
  ks: number[];
  rows: EvalRow[];
}

export interface EvalOptions {
  /** The k of pass@k (default 1, 2, 4, ... up to the largest group). */
  ks?: number[];
  /**
   * Leave infra_error episodes out of the rates instead of counting them as failures (the
   * default: an agent must not gain from episodes the infrastructure lost).
   */
  excludeInfraErrors?: boolean;
}

const isInfraError = (r: EpisodeRecord) => r.status === 'infra_error';

/** Success per env, family and job with Wilson intervals, pass@k over groups, mean steps and tokens. */
export function evaluateRecords(all: readonly EpisodeRecord[], options: EvalOptions = {}): EvalReport {
  const records = options.excludeInfraErrors ? all.filter((r) => !isInfraError(r)) : all;
  const groupSizes = new Map<string, number>();
  for (const r of records) groupSizes.set(r.groupId ?? r.episodeId ?? '', (groupSizes.get(r.groupId ?? r.episodeId ?? '') ?? 0) + 1);
  const largest = Math.max(1, ...groupSizes.values());
  const ks = options.ks ?? defaultKs(largest);
  const rows: EvalRow[] = [];
  const scopes: [EvalScope, (r: EpisodeRecord) => string][] = [
    ['all', () => 'all'],
    ['env', (r) => r.env ?? ''],
    ['family', (r) => r.family ?? ''],
    ['job', (r) => r.job ?? ''],
  ];
  for (const [scope, keyOf] of scopes) {
    const buckets = new Map<string, EpisodeRecord[]>();
    for (const r of all) buckets.set(keyOf(r), [...(buckets.get(keyOf(r)) ?? []), r]);
    for (const key of [...buckets.keys()].sort()) {
      const bucket = buckets.get(key)!;
      const counted = options.excludeInfraErrors ? bucket.filter((r) => !isInfraError(r)) : bucket;
      if (counted.length > 0) rows.push({ ...row(scope, key, counted, ks), infraErrors: bucket.filter(isInfraError).length });
    }
  }
  return {
    episodes: records.length,
    infraErrors: all.filter(isInfraError).length,
    infraErrorsAre: options.excludeInfraErrors ? 'excluded' : 'failures',
    ks,
    rows,
  };
}

function defaultKs(largest: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < largest; k *= 2) ks.push(k);
  ks.push(largest);
  return [...new Set(ks)];
}

function row(scope: EvalScope, key: string, records: EpisodeRecord[], ks: number[]): Omit<EvalRow, 'infraErrors'> {
  const successes = records.filter((r) => r.success).length;
  const groups = new Map<string, { n: number; c: number }>();
  for (const r of records) {
    const g = groups.get(r.groupId || r.episodeId || '') ?? { n: 0, c: 0 };
    g.n += 1;
    if (r.success) g.c += 1;
    groups.set(r.groupId || r.episodeId || '', g);
  }
  const passAtK: EvalRow['passAtK'] = {};
  for (const k of ks) {
    const value = meanPassAtK([...groups.values()], k);
    if (value) passAtK[String(k)] = value;
  }
  const tokens = (r: EpisodeRecord) => (r.steps ?? []).reduce((n, s) => n + (s.usage?.promptTokens ?? 0) + (s.usage?.completionTokens ?? 0), 0);
  const mean = (f: (r: EpisodeRecord) => number) => records.reduce((n, r) => n + f(r), 0) / records.length;
  return {
    scope,
    key,
    episodes: records.length,
    success: wilson(successes, records.length),
    meanReward: mean((r) => r.finalReward ?? 0),
    passAtK,
    meanSteps: mean((r) => r.steps?.length ?? 0),
    meanTokens: mean(tokens),
    errors: records.filter((r) => r.status === 'agent_error' || r.status === 'env_broken' || r.status === 'infra_error').length,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The report as markdown: one table per scope (env, family, job), then the total. */
export function formatEvalMarkdown(report: EvalReport, title = 'Evaluation'): string {
  const infra =
    report.infraErrorsAre === 'failures'
      ? `${report.infraErrors} lost to infrastructure faults (infra_error), counted as failures`
      : `${report.infraErrors} more lost to infrastructure faults (infra_error) and left out`;
  const out = [
    `# ${title}`,
    '',
    `${report.episodes} episodes; ${infra}. Success with 95% Wilson intervals; pass@k is the unbiased estimator over tasks with at least k rollouts.`,
    '',
  ];
  for (const scope of ['env', 'family', 'job', 'all'] as const) {
    const rows = report.rows.filter((r) => r.scope === scope);
    if (rows.length === 0) continue;
    out.push(`## ${scope === 'all' ? 'Total' : `By ${scope}`}`, '');
    const head = [
      scope === 'all' ? '' : scope,
      'episodes',
      'success',
      '95% CI',
      ...report.ks.map((k) => `pass@${k}`),
      'mean reward',
      'mean steps',
      'mean tokens',
      'errors',
      'infra errors',
    ];
    out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
    for (const r of rows) {
      const cells = [
        r.key,
        String(r.episodes),
        pct(r.success.rate),
        `${pct(r.success.low)}–${pct(r.success.high)}`,
        ...report.ks.map((k) => (r.passAtK[String(k)] ? pct(r.passAtK[String(k)]!.value) : '-')),
        r.meanReward.toFixed(3),
        r.meanSteps.toFixed(1),
        r.meanTokens.toFixed(0),
        String(r.errors),
        String(r.infraErrors),
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

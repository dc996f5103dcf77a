import {
  compareDifficulties,
  ksUpTo,
  reliability,
  scenarioKey,
  shapedRewardOf,
  wilson,
  type EpisodeRecord,
  type Outcome,
  type Proportion,
  type Reliability,
  type TaskMean,
} from '@workgym/trajectories';
import { FAMILY_SPLITS, familySplit, type FamilySplit } from './held-out.js';

export type EvalScope = 'all' | 'env' | 'family' | 'job' | 'difficulty' | 'family split';

/** A scope's reliability figures (success, mean score, pass@k, pass^k, scenarios), steps, tokens and errors. */
export interface EvalRow extends Reliability {
  scope: EvalScope;
  key: string;
  meanSteps: number;
  /** Prompt + completion tokens per episode, as the agent reported them (0 when it reports none). */
  meanTokens: number;
  /** Episodes that ended in agent_error, env_broken, stuck or infra_error (counted as failures above). */
  errors: number;
  /** Episodes lost to infrastructure faults (infra_error): in `episodes` unless excluded. */
  infraErrors: number;
  /** Each verdict component's mean over the episodes whose verdict names it, for analysis (what the shaped reward is made of). */
  meanComponents: Record<string, number>;
  /**
   * Success on the feasible seeds and on the infeasible ones apart, with 95% Wilson intervals: in
   * the rows `all` and `family` when the episodes hold an infeasible seed (EpisodeRecord.infeasible).
   * An agent that reports every task infeasible wins the infeasible seeds and nothing else: its
   * feasible success is 0 however its total reads.
   */
  feasibility?: SeedSuccess;
}

/** Success on each kind of seed; a kind with no episodes has n 0. */
export interface SeedSuccess {
  feasible: Proportion;
  infeasible: Proportion;
}

export interface EvalReport {
  /** Episodes the rates are over (infra errors left out when excluded). */
  episodes: number;
  /** Episodes recorded as infra_error, and whether the rates count them as failures or leave them out. */
  infraErrors: number;
  infraErrorsAre: 'failures' | 'excluded';
  /** Episodes on infeasible seeds among `episodes`; present when there is one (the rows then split success by seed, see EvalRow.feasibility). */
  infeasibleEpisodes?: number;
  ks: number[];
  rows: EvalRow[];
}

export interface EvalOptions {
  /** The k of pass@k and pass^k (default every k from 1 to the most tries of one task). */
  ks?: number[];
  /**
   * Leave infra_error episodes out of the rates instead of counting them as failures (the
   * default: an agent must not gain from episodes the infrastructure lost).
   */
  excludeInfraErrors?: boolean;
  /**
   * The families kept out of training: when the records hold one, the report adds the scope
   * `family split` (rows `trained families` and `held-out families`): unseen seeds against unseen families.
   */
  heldOut?: ReadonlySet<string>;
}

/** Lost by the infrastructure, or by a person of the task the client played: never the agent's doing. */
const isInfraError = (r: EpisodeRecord) => r.status === 'infra_error' || r.status === 'people_error';
/** Episodes that did not end on the task's own terms: the agent failed, looped or broke the env, or the infrastructure failed. */
const ERROR_STATUSES = new Set(['agent_error', 'env_broken', 'stuck', 'infra_error', 'people_error']);

/**
 * Success (Wilson intervals), mean score, pass@k and pass^k, scenario success, mean steps and
 * tokens: in total and per env, family, job and difficulty (the instance's tier), and trained
 * against held-out families when the records hold a held-out one; success on feasible and on
 * infeasible seeds apart, in total and per family, when they hold an infeasible seed.
 */
export function evaluateRecords(all: readonly EpisodeRecord[], options: EvalOptions = {}): EvalReport {
  const records = options.excludeInfraErrors ? all.filter((r) => !isInfraError(r)) : all;
  const ks = options.ks ?? ksUpTo(records.map(outcome));
  const rows: EvalRow[] = [];
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const scopes: [EvalScope, (r: EpisodeRecord) => string, (a: string, b: string) => number][] = [
    ['all', () => 'all', byName],
    ['env', (r) => r.env ?? '', byName],
    ['family', (r) => r.family ?? '', byName],
    ['job', (r) => r.job ?? '', byName],
    ['difficulty', (r) => r.difficulty ?? '', compareDifficulties],
  ];
  const infeasibleEpisodes = records.filter(isInfeasible).length;
  const split = infeasibleEpisodes > 0 ? new Set<EvalScope>(['all', 'family']) : new Set<EvalScope>();
  const heldOut = options.heldOut ?? new Set<string>();
  if (all.some((r) => heldOut.has(r.family ?? '')))
    scopes.push(['family split', (r) => familySplit(r, heldOut), (a, b) => FAMILY_SPLITS.indexOf(a as FamilySplit) - FAMILY_SPLITS.indexOf(b as FamilySplit)]);
  for (const [scope, keyOf, order] of scopes) {
    const buckets = new Map<string, EpisodeRecord[]>();
    for (const r of all) buckets.set(keyOf(r), [...(buckets.get(keyOf(r)) ?? []), r]);
    for (const key of [...buckets.keys()].sort(order)) {
      const bucket = buckets.get(key)!;
      const counted = options.excludeInfraErrors ? bucket.filter((r) => !isInfraError(r)) : bucket;
      if (counted.length === 0) continue;
      rows.push({
        ...row(scope, key, counted, ks),
        infraErrors: bucket.filter(isInfraError).length,
        ...(split.has(scope) ? { feasibility: seedSuccess(counted) } : {}),
      });
    }
  }
  return {
    episodes: records.length,
    infraErrors: all.filter(isInfraError).length,
    infraErrorsAre: options.excludeInfraErrors ? 'excluded' : 'failures',
    ...(infeasibleEpisodes > 0 ? { infeasibleEpisodes } : {}),
    ks,
    rows,
  };
}

const isInfeasible = (r: EpisodeRecord) => r.infeasible === true;

function seedSuccess(records: readonly EpisodeRecord[]): SeedSuccess {
  const of = (mine: readonly EpisodeRecord[]) => wilson(mine.filter((r) => r.success === true).length, mine.length);
  return { feasible: of(records.filter((r) => !isInfeasible(r))), infeasible: of(records.filter(isInfeasible)) };
}

function outcome(r: EpisodeRecord): Outcome {
  return { task: r.groupId || r.episodeId || '', scenario: scenarioKey(r), success: r.success ?? false, reward: shapedRewardOf(r) };
}

function row(scope: EvalScope, key: string, records: EpisodeRecord[], ks: number[]): Omit<EvalRow, 'infraErrors'> {
  const { success, meanReward, passAtK, passHatK, scenarios } = reliability(records.map(outcome), ks);
  const tokens = (r: EpisodeRecord) => (r.steps ?? []).reduce((n, s) => n + (s.usage?.promptTokens ?? 0) + (s.usage?.completionTokens ?? 0), 0);
  const mean = (f: (r: EpisodeRecord) => number) => records.reduce((n, r) => n + f(r), 0) / records.length;
  return {
    scope,
    key,
    episodes: records.length,
    success,
    meanReward,
    passAtK,
    passHatK,
    ...(scenarios ? { scenarios } : {}),
    meanSteps: mean((r) => r.steps?.length ?? 0),
    meanTokens: mean(tokens),
    errors: records.filter((r) => ERROR_STATUSES.has(r.status ?? '')).length,
    meanComponents: meanComponents(records),
  };
}

function meanComponents(records: readonly EpisodeRecord[]): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of records) {
    for (const [name, value] of Object.entries(r.rewardComponents ?? {})) {
      const entry = sums.get(name) ?? sums.set(name, { sum: 0, n: 0 }).get(name)!;
      entry.sum += value;
      entry.n += 1;
    }
  }
  return Object.fromEntries([...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, { sum, n }]) => [name, sum / n]));
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The report as markdown: success on feasible and infeasible seeds when the episodes hold an
 * infeasible one, then one table per scope (env, family, job, difficulty, family split), then the total.
 */
export function formatEvalMarkdown(report: EvalReport, title = 'Evaluation'): string {
  const infra =
    report.infraErrorsAre === 'failures'
      ? `${report.infraErrors} lost to infrastructure faults (infra_error), counted as failures`
      : `${report.infraErrors} more lost to infrastructure faults (infra_error) and left out`;
  const scenarios = report.rows.some((r) => r.scenarios);
  const out = [
    `# ${title}`,
    '',
    `${report.episodes} episodes; ${infra}. Success with 95% Wilson intervals; mean score is the family's partial credit (the shaped reward, whatever the run's reward mode paid); ` +
      'pass@k and pass^k are the chance that at least one and that all of k tries of a task succeed (unbiased, over tasks with at least k rollouts)' +
      (scenarios
        ? "; scenarios is the minimum success over a scenario's tasks, averaged over scenarios with two or more tasks (their number in brackets)."
        : '.'),
    '',
    ...feasibilityTable(report),
  ];
  const estimate = (m: TaskMean | undefined) => (m ? pct(m.value) : '-');
  for (const scope of ['env', 'family', 'job', 'difficulty', 'family split', 'all'] as const) {
    const rows = report.rows.filter((r) => r.scope === scope);
    if (rows.length === 0) continue;
    out.push(`## ${scope === 'all' ? 'Total' : `By ${scope}`}`, '');
    const head = [
      scope === 'all' ? '' : scope,
      'episodes',
      'success',
      '95% CI',
      ...report.ks.map((k) => `pass@${k}`),
      ...report.ks.map((k) => `pass^${k}`),
      'mean score',
      ...(scenarios ? ['scenarios'] : []),
      'mean steps',
      'mean tokens',
      'errors',
      'infra errors',
    ];
    out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
    for (const r of rows) {
      const cells = [
        r.key || '(not recorded)',
        String(r.episodes),
        pct(r.success.rate),
        `${pct(r.success.low)}–${pct(r.success.high)}`,
        ...report.ks.map((k) => estimate(r.passAtK[String(k)])),
        ...report.ks.map((k) => estimate(r.passHatK[String(k)])),
        r.meanReward.toFixed(3),
        ...(scenarios ? [r.scenarios ? `${pct(r.scenarios.value)} (${r.scenarios.scenarios})` : '-'] : []),
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

/**
 * Success on feasible and on infeasible seeds apart, per family and in total: first, because a
 * total that counts reports of infeasibility can hide an agent that gives up on every task.
 */
function feasibilityTable(report: EvalReport): string[] {
  if (!report.infeasibleEpisodes) return [];
  const rows = [...report.rows.filter((r) => r.scope === 'family'), ...report.rows.filter((r) => r.scope === 'all')];
  const head = ['family', 'feasible episodes', 'feasible success', '95% CI', 'infeasible episodes', 'infeasible success', '95% CI'];
  const cells = (p: Proportion) => [String(p.n), p.n ? pct(p.rate) : '-', p.n ? `${pct(p.low)}–${pct(p.high)}` : '-'];
  return [
    '## Feasible and infeasible seeds',
    '',
    `${report.infeasibleEpisodes} of the ${report.episodes} episodes were on infeasible seeds, where the request cannot be done and only report_infeasible succeeds. ` +
      'Success on feasible seeds is the work done; on infeasible seeds, seeing that it cannot be done. Reporting infeasible scores 0 on every feasible seed, ' +
      'so an agent that gives up on every task shows 0% in the feasible column.',
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows
      .filter((r) => r.feasibility)
      .map(
        (r) =>
          `| ${[r.scope === 'all' ? 'total' : r.key || '(not recorded)', ...cells(r.feasibility!.feasible), ...cells(r.feasibility!.infeasible)].join(' | ')} |`,
      ),
    '',
  ];
}

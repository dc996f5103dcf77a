import picomatch from 'picomatch';
import {
  pairByTask,
  pairedComparison,
  readRecords,
  successPairs,
  type PairedComparison,
  type TaskPair,
  type TaskPairing,
  type Unmatched,
} from '@workgym/trainers/eval';
import { refuseMixedVerifiers, type EpisodeRecord } from '@workgym/trajectories';
import { UsageError } from '../usage-error.js';

interface CompareFlags {
  json?: boolean;
  mixVerifiers?: boolean;
  env?: string[];
  family?: string;
}

type Scope = 'all' | 'env' | 'family' | 'job' | 'feasibility';

export interface CompareRow extends PairedComparison {
  scope: Scope;
  key: string;
}

export interface CompareReport extends Omit<TaskPairing, 'pairs'> {
  a: string;
  b: string;
  pairs: number;
  rows: CompareRow[];
}

export async function compare(runA: string, runB: string, flags: CompareFlags): Promise<void> {
  const keep = selector(flags);
  const [a, b] = [(await readRecords(runA)).filter(keep), (await readRecords(runB)).filter(keep)];
  // Two runs judged by different verifiers would compare two definitions of success.
  refuseMixedVerifiers([...a, ...b], flags.mixVerifiers);
  const report = compareRuns(runA, a, runB, b);
  if (report.pairs === 0) {
    const some = (only: Unmatched) => `${only.tasks} task${only.tasks === 1 ? '' : 's'}${only.tasks ? ` (${only.first.slice(0, 3).join(', ')})` : ''}`;
    throw new UsageError(
      `${runA} and ${runB} have no task (env, family, split, seed) in common${flags.env || flags.family ? ' among the envs and families asked for' : ''}: ` +
        `A has ${some(report.onlyInA)}, B has ${some(report.onlyInB)}`,
      'compare two runs of the same tasks: the same envs, families, split, seeds and --episodes',
    );
  }
  console.log(flags.json ? JSON.stringify(report, null, 2) : formatCompare(report));
}

function selector(flags: CompareFlags): (r: EpisodeRecord) => boolean {
  const family = flags.family ? picomatch(flags.family) : () => true;
  return (r) => (!flags.env || flags.env.includes(r.env ?? '')) && family(r.family ?? '');
}

/**
 * Pairs B's episodes with A's by task (pairByTask, listing what is in one run only) and compares
 * them per env, family and job.
 */
export function compareRuns(runA: string, a: readonly EpisodeRecord[], runB: string, b: readonly EpisodeRecord[]): CompareReport {
  const { pairs, ...left } = pairByTask(a, b, { unmatched: 'list' });
  return { a: runA, b: runB, pairs: pairs.length, ...left, rows: compareRows(pairs) };
}

function compareRows(pairs: readonly TaskPair[]): CompareRow[] {
  const scopes: [Scope, (p: TaskPair) => string][] = [
    ['all', () => 'all'],
    ['env', (p) => p.a.env ?? ''],
    ['family', (p) => p.a.family ?? ''],
    ['job', (p) => p.a.job ?? ''],
    // Giving up wins only where the task cannot be done: the two kinds of seed are compared apart too.
    ...(pairs.some((p) => p.a.infeasible)
      ? [['feasibility', (p: TaskPair) => (p.a.infeasible ? 'infeasible' : 'feasible')] as [Scope, (p: TaskPair) => string]]
      : []),
  ];
  const rows: CompareRow[] = [];
  for (const [scope, keyOf] of scopes) {
    const buckets = new Map<string, TaskPair[]>();
    for (const p of pairs) buckets.set(keyOf(p), [...(buckets.get(keyOf(p)) ?? []), p]);
    // Only a verified success counts, as in `workgym eval`: an error, a stuck agent or an infra fault is a failure.
    for (const key of [...buckets.keys()].sort()) rows.push({ scope, key, ...pairedComparison(successPairs(buckets.get(key)!)) });
  }
  return rows;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const signedPct = (x: number) => `${x > 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const interval = (low: number, high: number, sign = pct) => `${sign(low)} to ${sign(high)}`;

/** The report as markdown: what was left out, then one table per env, family, job and (with infeasible seeds) feasibility, then the total. */
export function formatCompare(report: CompareReport): string {
  const out = [
    `# ${report.b} (B) against ${report.a} (A), paired by task`,
    '',
    `${report.pairs} pairs: the k-th episode of a task (env, family, split, seed) in A against the k-th of the same task in B. ` +
      'Success counts verified successes only; each arm has its 95% Wilson interval. B − A is the difference in success ' +
      'with its 95% paired bootstrap interval; p is the exact two-sided McNemar test on the pairs only one arm solved.',
    '',
  ];
  const left = [leftOut('A', report.onlyInA), leftOut('B', report.onlyInB)].filter(Boolean);
  if (report.unpairedEpisodes) left.push(`${report.unpairedEpisodes} episodes past the other run's number of episodes of their task`);
  if (left.length) out.push(`Left out: ${left.join('; ')}.`, '');
  for (const scope of ['env', 'family', 'job', 'feasibility', 'all'] as const) {
    const rows = report.rows.filter((r) => r.scope === scope);
    if (rows.length === 0) continue;
    const head = [scope === 'all' ? '' : scope, 'pairs', 'A', 'A 95% CI', 'B', 'B 95% CI', 'B − A', '95% CI', 'McNemar p', 'only A', 'only B'];
    out.push(`## ${scope === 'all' ? 'Total' : `By ${scope}`}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
    for (const r of rows) {
      const cells = [
        r.key,
        String(r.pairs),
        pct(r.a.rate),
        interval(r.a.low, r.a.high),
        pct(r.b.rate),
        interval(r.b.low, r.b.high),
        signedPct(r.difference),
        interval(r.low, r.high, signedPct),
        r.mcnemarP < 0.001 ? r.mcnemarP.toExponential(1) : r.mcnemarP.toFixed(3),
        String(r.onlyA),
        String(r.onlyB),
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

function leftOut(run: string, only: Unmatched): string {
  if (only.tasks === 0) return '';
  const more = only.tasks > only.first.length ? ` and ${only.tasks - only.first.length} more` : '';
  return `${only.tasks} task${only.tasks === 1 ? '' : 's'} only in ${run} (${only.first.join(', ')}${more})`;
}

import type { EpisodeRecord } from '../record/record.js';

// The metric a public benchmark publishes, computed from the episodes of its task set, so a
// team compares workgym's numbers with the suite's own. A task set's families are named
// <env>/<set>.<task id>; the set name picks the suite.

/** One suite's metric over the episodes of its families. */
export interface SuiteMetric {
  /** The set name: miniwob, spreadsheetbench, humaneval, mbpp. */
  suite: string;
  env: string;
  /** Tasks (families) and episodes counted. */
  tasks: number;
  episodes: number;
  /** The suite's own numbers, by name (see SUITES for each). */
  values: Record<string, number>;
  /** Episodes whose record lacks the verdict components the metric reads (an infra error, a refused reset): scored as failures. */
  unscored: number;
}

type Episode = Pick<EpisodeRecord, 'env' | 'family' | 'success' | 'rewardComponents'>;

interface Suite {
  /** Whether an episode carries what the metric reads. */
  scored(episode: Episode): boolean;
  values(byTask: ReadonlyMap<string, readonly Episode[]>): Record<string, number>;
}

const passAt1: Suite = {
  scored: () => true,
  values: (byTask) => ({ pass_at_1: mean(episodesOf(byTask).map((e) => (e.success ? 1 : 0))) }),
};

/** What each suite publishes, and how it is read from the verdicts. */
const SUITES: Record<string, Suite> = {
  // MiniWoB++: the page's raw reward (−1..1), averaged per task then over tasks; a task the page
  // never scored counts as −1, its score for a task not done. Success rate beside it.
  miniwob: {
    scored: (e) => e.rewardComponents?.['miniwob_raw_reward'] !== undefined,
    values: (byTask) => ({
      mean_reward: mean([...byTask.values()].map((episodes) => mean(episodes.map((e) => e.rewardComponents?.['miniwob_raw_reward'] ?? -1)))),
      success_rate: mean(episodesOf(byTask).map((e) => (e.success ? 1 : 0))),
    }),
  },
  // SpreadsheetBench: soft = mean over episodes of cases right / cases (components case_1..case_n);
  // hard = share of episodes with every case right.
  spreadsheetbench: {
    scored: (e) => cases(e).length > 0,
    values: (byTask) => {
      const episodes = episodesOf(byTask).map(cases);
      return {
        soft: mean(episodes.map((c) => (c.length === 0 ? 0 : c.filter((x) => x === 1).length / c.length))),
        hard: mean(episodes.map((c) => (c.length > 0 && c.every((x) => x === 1) ? 1 : 0))),
      };
    },
  },
  humaneval: passAt1,
  mbpp: passAt1,
};

/** The suite metrics of the episodes whose family belongs to a known suite's task set; one per env and suite. */
export function suiteMetrics(records: readonly Episode[]): SuiteMetric[] {
  const groups = new Map<string, { env: string; suite: string; byTask: Map<string, Episode[]> }>();
  for (const record of records) {
    const suite = suiteOf(record.family ?? '');
    if (!suite || !record.env) continue;
    const key = `${record.env}\0${suite}`;
    const group = groups.get(key) ?? { env: record.env, suite, byTask: new Map<string, Episode[]>() };
    groups.set(key, group);
    const task = group.byTask.get(record.family!) ?? [];
    group.byTask.set(record.family!, [...task, record]);
  }
  return [...groups.values()]
    .sort((a, b) => a.env.localeCompare(b.env) || a.suite.localeCompare(b.suite))
    .map(({ env, suite, byTask }) => {
      const episodes = episodesOf(byTask);
      return {
        suite,
        env,
        tasks: byTask.size,
        episodes: episodes.length,
        values: SUITES[suite]!.values(byTask),
        unscored: episodes.filter((e) => !SUITES[suite]!.scored(e)).length,
      };
    });
}

/** The suite a family belongs to: its name's part before the first `.` after the env (`browser/miniwob.click-button` → miniwob), when known. */
export function suiteOf(family: string): string | undefined {
  const name = family.slice(family.indexOf('/') + 1);
  const set = name.split('.')[0]!;
  return Object.hasOwn(SUITES, set) ? set : undefined;
}

/** The suite metrics as markdown lines, one a suite; empty when there are none. */
export function formatSuiteMetrics(metrics: readonly SuiteMetric[]): string {
  if (metrics.length === 0) return '';
  const rows = metrics.map((m) => {
    const values = Object.entries(m.values)
      .map(([name, value]) => `${name} ${name === 'mean_reward' ? value.toFixed(3) : `${(value * 100).toFixed(1)}%`}`)
      .join(', ');
    const unscored = m.unscored ? ` (${m.unscored} unscored, counted as failures)` : '';
    return `| ${m.env} | ${m.suite} | ${m.tasks} | ${m.episodes} | ${values}${unscored} |`;
  });
  return ['## Suite metrics (as each benchmark publishes them)', '', '| env | suite | tasks | episodes | metric |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** The case_1..case_n components of an episode, in order. */
function cases(episode: Episode): number[] {
  const components = episode.rewardComponents ?? {};
  const found: number[] = [];
  for (let n = 1; components[`case_${n}`] !== undefined; n++) found.push(components[`case_${n}`]!);
  return found;
}

function episodesOf(byTask: ReadonlyMap<string, readonly Episode[]>): Episode[] {
  return [...byTask.values()].flat();
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

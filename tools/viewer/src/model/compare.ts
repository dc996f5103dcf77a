import type { EpisodeSummary } from '@workgym/trajectories';
import type { CompareRow, CompareView, SourceInfo } from './api.js';
import { newcombe, rate } from './stats.js';

export interface CompareInput {
  source: SourceInfo;
  summaries: readonly EpisodeSummary[];
}

/** Runs side by side: success per family with intervals, last minus first, and where the first and last disagree on a task. */
export function compareRuns(runs: readonly CompareInput[]): CompareView {
  const overall = runs.map((r) => rate(r.summaries.filter((s) => s.success).length, r.summaries.length));
  const families = [...new Set(runs.flatMap((r) => r.summaries.map((s) => s.family)))].sort();
  const rows: CompareRow[] = families.map((family) => {
    const rates = runs.map((r) => {
      const of = r.summaries.filter((s) => s.family === family);
      return rate(of.filter((s) => s.success).length, of.length);
    });
    return { family, runs: rates, difference: newcombe(rates[0]!, rates[rates.length - 1]!) };
  });
  return { sources: runs.map((r) => r.source), overall, families: rows, disagreements: disagreements(runs[0]!, runs[runs.length - 1]!) };
}

const taskKey = (s: EpisodeSummary) => JSON.stringify([s.env, s.family, s.split, s.seed]);

/** Tasks both runs played where their success differs; a task played several times pairs its k-th episode in each. */
function disagreements(first: CompareInput, last: CompareInput): CompareView['disagreements'] {
  const lastByTask = groupByTask(last.summaries);
  const out: CompareView['disagreements'] = [];
  for (const [key, episodes] of groupByTask(first.summaries)) {
    const others = lastByTask.get(key);
    if (!others) continue;
    for (let k = 0; k < Math.min(episodes.length, others.length); k++) {
      const a = episodes[k]!;
      const b = others[k]!;
      if (a.success === b.success) continue;
      out.push({
        family: a.family,
        seed: a.seed,
        split: a.split,
        episodes: [
          { source: first.source.id, episodeId: a.episodeId, success: a.success },
          { source: last.source.id, episodeId: b.episodeId, success: b.success },
        ],
      });
    }
  }
  return out;
}

function groupByTask(summaries: readonly EpisodeSummary[]): Map<string, EpisodeSummary[]> {
  const groups = new Map<string, EpisodeSummary[]>();
  for (const s of summaries) {
    const key = taskKey(s);
    const group = groups.get(key) ?? [];
    group.push(s);
    groups.set(key, group);
  }
  // The k-th try pairs with the k-th: episode-id order, as `eval compare` pairs them.
  for (const group of groups.values()) group.sort((a, b) => (a.episodeId < b.episodeId ? -1 : a.episodeId > b.episodeId ? 1 : 0));
  return groups;
}

import type { Value } from '../engine/values.js';
import { call, FIRST, mixCandidates } from './helpers.js';
import type { FamilyDef } from './task.js';

/** Sorting and ranking: sort a table by two keys, then number the ranks. */
export const sortAndRank: FamilyDef = {
  name: 'sort-and-rank',
  difficulty: 'medium',
  description: 'Sort a score table by team then score (descending) and fill a rank-within-team column.',
  generate(rng) {
    const teams = rng.sample(['Red', 'Blue', 'Green', 'Gold'], rng.int(2, 3));
    const names = rng.sample(FIRST, rng.int(8, 12));
    const scores = rng.sample([...Array(90).keys()].map((i) => i + 10), names.length);
    const rows: Value[][] = names.map((name, i) => [name, rng.pick(teams), scores[i]!, null]);
    const sorted = [...rows].sort((a, b) => String(a[1]).localeCompare(String(b[1])) || (b[2] as number) - (a[2] as number));
    // Start from an order that is surely not the sorted one.
    const start = sorted.map((r) => [...r]);
    start.push(start.shift()!);
    const last = rows.length + 1;
    const ranks: Value[][] = [];
    sorted.forEach((r, i) => ranks.push([i > 0 && sorted[i - 1]![1] === r[1] ? (ranks[i - 1]![0] as number) + 1 : 1]));
    return {
      instruction:
        `Sort the rows of sheet Scores (A2:D${last}; columns Name, Team, Score, Rank) by Team A→Z and, within a team, by Score from highest to lowest. ` +
        `Then fill Rank (D2:D${last}) with each player's rank inside their team (1 = best score of the team). Then submit.`,
      sheets: [{ name: 'Scores', rows: [['Name', 'Team', 'Score', 'Rank'], ...start] }],
      focus: 'Scores',
      valueMode: 'all',
      expected: () => {
        const out: Record<string, Value> = {};
        sorted.forEach((r, i) => {
          out[`Scores!A${i + 2}`] = r[0]!;
          out[`Scores!B${i + 2}`] = r[1]!;
          out[`Scores!C${i + 2}`] = r[2]!;
          out[`Scores!D${i + 2}`] = ranks[i]![0]!;
        });
        return out;
      },
      expert: [
        call('sort', { range: `Scores!A2:D${last}`, keys: [{ column: 'B', order: 'asc' }, { column: 'C', order: 'desc' }] }),
        call('write_cells', { range: `Scores!D2:D${last}`, values: ranks }),
        call('submit'),
      ],
      candidates: mixCandidates(
        rng,
        [call('sort', { range: `Scores!A2:D${last}`, keys: [{ column: 'B', order: 'asc' }, { column: 'C', order: 'desc' }] })],
        [call('sort', { range: `Scores!A2:D${last}`, keys: [{ column: 'C', order: 'desc' }] }), call('sort', { range: `Scores!A2:D${last}`, keys: [{ column: 'A' }] }), call('read_range', { range: `Scores!A1:D${last}` })],
      ),
    };
  },
};

import type { Rng } from '@workgym/protocol';
import { drawUntil } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import { sameValue } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { derive, move, readIfUnseen, refDerivation, rowLine, rowLines, submit } from './expert-kit.js';
import { fillDownMove, writeValuesMove, type FormulaBlock } from './formula-block.js';
import { call, FIRST, get } from './helpers.js';
import { sheetComponents, type FamilyDef } from './task.js';

/** Ranks within teams of the rows as they are now: how many rows of the row's team there are from the top down to it. */
function ranksInOrder(wb: Workbook, last: number): number[] {
  const ranks: number[] = [];
  const seen = new Map<Value, number>();
  for (let r = 2; r <= last; r++) {
    const team = get(wb, `Scores!B${r}`);
    seen.set(team, (seen.get(team) ?? 0) + 1);
    ranks.push(seen.get(team)!);
  }
  return ranks;
}

type Row = Value[];
const byTeam = (a: Row, b: Row) => String(a[1]).localeCompare(String(b[1]));
const byScore = (a: Row, b: Row) => (b[2] as number) - (a[2] as number);
const sameOrder = (a: readonly Row[], b: readonly Row[]) => a.every((r, i) => r[0] === b[i]![0]);

/** The sort keys each strategy uses: both, or one of them with the other condition dropped. */
const SORT_KEYS: Record<string, { column: string; order: 'asc' | 'desc' }[]> = {
  'relax:score': [{ column: 'B', order: 'asc' }],
  'team-only-sort': [{ column: 'B', order: 'asc' }],
  'relax:team': [{ column: 'C', order: 'desc' }],
};
const BOTH_KEYS: { column: string; order: 'asc' | 'desc' }[] = [
  { column: 'B', order: 'asc' },
  { column: 'C', order: 'desc' },
];

/**
 * A table whose sorted order differs from its order sorted by Team alone and by Score alone (the
 * two conditions), and from the starting order: drawn again from `rng` until it does.
 */
function drawTable(rng: Rng): { start: Row[]; sorted: Row[] } {
  return drawUntil(
    rng,
    () => {
      const teams = rng.sample(['Red', 'Blue', 'Green', 'Gold'], rng.int(2, 3));
      const names = rng.sample(FIRST, rng.int(8, 12));
      const scores = rng.sample(
        [...Array(90).keys()].map((i) => i + 10),
        names.length,
      );
      const rows: Row[] = names.map((name, i) => [name, rng.pick(teams), scores[i]!, null]);
      const sorted = [...rows].sort((a, b) => byTeam(a, b) || byScore(a, b));
      // Start from an order that is surely not the sorted one.
      const start = sorted.map((r) => [...r]);
      start.push(start.shift()!);
      return { start, sorted };
    },
    // Array.prototype.sort is stable, as the sort tool is: these are what dropping a key gives.
    ({ start, sorted }) => !sameOrder([...start].sort(byTeam), sorted) && !sameOrder([...start].sort(byScore), sorted),
  );
}

/** Sorting and ranking: sort a table by two keys, then number the ranks. */
export const sortAndRank: FamilyDef = {
  name: 'sort-and-rank',
  difficulty: 'medium',
  description: 'Sort a score table by team then score (descending) and fill a rank-within-team column.',
  strategies: ['typed-ranks', 'countif-ranks'],
  nearMisses: ['team-only-sort'],
  conditions: ['team', 'score'],
  guesses: ['ranks-in-place'],
  components: sheetComponents('values'),
  collateral: true,
  generate(rng) {
    const { start, sorted } = drawTable(rng);
    const last = sorted.length + 1;
    const ranks: Value[][] = [];
    sorted.forEach((r, i) => ranks.push([i > 0 && sorted[i - 1]![1] === r[1] ? (ranks[i - 1]![0] as number) + 1 : 1]));
    return {
      instruction:
        `Sort the rows of sheet Scores (A2:D${last}; columns Name, Team, Score, Rank) by Team A→Z and, within a team, by Score from highest to lowest. ` +
        `Then fill Rank (D2:D${last}) with each player's rank inside their team (1 = best score of the team). Change nothing else. Then submit.`,
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
      expert(view) {
        const { wb, strategy } = view;
        const read = readIfUnseen(view, 'Scores', `A1:C${last}`, [`A2:D${last}`], 'I need to see the rows before sorting them; reading the table.');
        if (read) return read;
        const keys = SORT_KEYS[strategy] ?? BOTH_KEYS;
        const inOrder = sorted.every((r, i) => [0, 1, 2].every((j) => sameValue(get(wb, `Scores!${'ABC'[j]}${i + 2}`), r[j]!)));
        const sort = call('sort', { range: `Scores!A2:D${last}`, keys });
        // A condition dropped (or the guess) is played once, as a careless worker would, without checking the result.
        const done = strategy === 'guess:ranks-in-place' || (SORT_KEYS[strategy] ? view.made(sort) : inOrder);
        if (!done) {
          return move(
            sort.name,
            sort.arguments,
            SORT_KEYS[strategy]
              ? `Sorting the rows by ${keys[0]!.column === 'B' ? 'Team' : 'Score, highest first'}.`
              : 'The rows are not yet ordered by Team A→Z and, within a team, by Score from highest to lowest; sorting A2:D by Team ascending, then Score descending.',
            [refDerivation('Scores', `A2:D${last}`, [`A2:D${last}`], 'the rows the task asks to sort')],
          );
        }
        const expectedRanks = ranksInOrder(wb, last);
        const block: FormulaBlock = {
          sheet: 'Scores',
          top: 2,
          bottom: last,
          columns: [{ col: 'D', label: 'Rank', formula: (r) => `=COUNTIF(B$2:B${r},B${r})` }],
          sources: [rowLine(wb, 'Scores', 1, 4), '1 = best score of the team'],
          how: "with the rows sorted by Team and then Score descending, a row's rank is how many rows of its team there are from the top down to it",
          rangeSources: [`D2:D${last}`],
        };
        const want = Object.fromEntries(expectedRanks.map((v, i) => [`Scores!D${i + 2}`, v as Value]));
        if (strategy !== 'typed-ranks') {
          return (
            fillDownMove(wb, block, want) ??
            submit(`The rows are sorted by Team, then Score descending, and D2:D${last} count each player's place in their team; submitting.`)
          );
        }
        const lines = rowLines(wb, 'Scores', 2, last, 3);
        const next = writeValuesMove(
          wb,
          block,
          expectedRanks.map((v) => [v]),
          `With the rows sorted, ranks count up within each team and restart at 1 when the Team changes; I type them into D2:D${last}.`,
        );
        if (next) {
          return {
            ...next,
            derived: [
              refDerivation('Scores', `D2:D${last}`, [`D2:D${last}`], 'the Rank column'),
              ...[...new Set(expectedRanks)].map((v) => derive(v, lines, 'position of the row within its team, the rows being sorted by Score descending')),
            ],
          };
        }
        return submit(`The rows are sorted by Team, then Score descending, and every player's rank within the team is in column D; submitting.`);
      },
      distractors: [
        call('sort', { range: `Scores!A2:D${last}`, keys: [{ column: 'C', order: 'desc' }] }),
        call('sort', { range: `Scores!A2:D${last}`, keys: [{ column: 'A' }] }),
        call('read_range', { range: `Scores!A1:D${last}` }),
      ],
    };
  },
};

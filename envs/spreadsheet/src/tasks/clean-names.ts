import type { Rng } from '@workgym/protocol';
import { drawUntil } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { derive, rowLine } from './expert-kit.js';
import { call, FIRST, get, LAST } from './helpers.js';
import { formulaColumnExpert, typedValues } from './shapes/formula-column.js';
import { sheetComponents, type FamilyDef } from './task.js';

const messy = (word: string, pick: number) => [word.toLowerCase(), word.toUpperCase(), word, word[0]!.toLowerCase() + word.slice(1).toUpperCase()][pick]!;
const proper = (text: string) => text.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase());
const trimmed = (text: string) => text.trim().replace(/ +/g, ' ');
const clean = (text: string) => proper(trimmed(text));

/**
 * Rows of messy names and cities, drawn again from `rng` until some name has spaces to remove
 * and some trimmed name is not yet capitalised: then neither trimming alone nor capitalising
 * alone (a condition dropped) cleans every name.
 */
function drawPeople(rng: Rng): Value[][] {
  return drawUntil(
    rng,
    () => {
      const n = rng.int(8, 14);
      const rows: Value[][] = [];
      for (let i = 0; i < n; i++) {
        const pad = () => ' '.repeat(rng.int(0, 2));
        const name = `${pad()}${messy(rng.pick(FIRST), rng.int(0, 3))}${' '.repeat(rng.int(1, 3))}${messy(rng.pick(LAST), rng.int(0, 3))}${pad()}`;
        rows.push([name, rng.pick(['Oslo', 'Lyon', 'Porto', 'Graz', 'Turin'])]);
      }
      return rows;
    },
    (rows) => {
      const names = rows.map((r) => String(r[0]));
      return names.some((x) => trimmed(x) !== x) && names.some((x) => proper(trimmed(x)) !== trimmed(x));
    },
  );
}

/** The formula each careless strategy fills down instead of PROPER(TRIM(...)). */
const CARELESS: Record<string, (r: number) => string> = {
  'proper-only': (r) => `=PROPER(A${r})`,
  'relax:trim': (r) => `=PROPER(A${r})`,
  'relax:capitalise': (r) => `=TRIM(A${r})`,
  'guess:copy-names': (r) => `=A${r}`,
};

/** Data cleaning: trim stray spaces and fix the capitalisation of names. */
export const cleanNames: FamilyDef = {
  name: 'clean-names',
  difficulty: 'easy',
  description: 'Clean a column of names: trim and collapse spaces, Proper Case, into a new column.',
  strategies: ['formula-fill', 'typed-values'],
  nearMisses: ['proper-only'],
  conditions: ['trim', 'capitalise'],
  guesses: ['copy-names'],
  components: sheetComponents('values', 'labels'),
  collateral: true,
  generate(rng) {
    const rows: Value[][] = [['Name', 'City'], ...drawPeople(rng)];
    const n = rows.length - 1;
    const last = n + 1;
    const example = '"  jOHN   smith" -> "John Smith"';
    const expected = (wb: Workbook) => {
      const out: Record<string, Value> = { 'People!C1': 'Clean name' };
      for (let r = 2; r <= last; r++) out[`People!C${r}`] = clean(String(get(wb, `People!A${r}`) ?? ''));
      return out;
    };
    return {
      instruction:
        `The Name column of sheet People (A2:A${last}) has stray spaces and wrong capitalisation. In column C, put header "Clean name" in C1 ` +
        `and, in C2:C${last}, each name with leading, trailing and repeated spaces removed and every word capitalised (e.g. ${example}). Change no other cell. Then submit.`,
      sheets: [{ name: 'People', rows }],
      focus: 'People',
      expected,
      labels: ['People!C1'],
      // All or nothing, so that names a careless rule happens to get right earn nothing.
      valueMode: 'all',
      expert: formulaColumnExpert({
        reads: [
          { sheet: 'People', range: `A1:B${last}`, sources: [`A2:A${last}`], why: `I need to see every name before cleaning them; reading A1:B${last}.` },
        ],
        header: { cell: 'C1', text: 'Clean name' },
        block: ({ wb, strategy }) => ({
          sheet: 'People',
          top: 2,
          bottom: last,
          columns: [{ col: 'C', label: 'clean name', formula: CARELESS[strategy] ?? ((r) => `=PROPER(TRIM(A${r}))`) }],
          sources: [rowLine(wb, 'People', 1, 2), 'leading, trailing and repeated spaces removed', 'every word capitalised'],
          how: 'TRIM removes leading, trailing and repeated spaces of the name in column A, PROPER capitalises every word',
          rangeSources: [`C2:C${last}`],
        }),
        expected,
        typed: {
          'typed-values': typedValues(
            `C2:C${last} do not all hold the cleaned names yet; I type each name from column A without its stray spaces and with every word capitalised.`,
            (r, wb) => [
              derive(
                clean(String(get(wb, `People!A${r}`) ?? '')),
                [rowLine(wb, 'People', r, 2)],
                `the name in A${r} without its stray spaces, every word capitalised`,
              ),
            ],
          ),
        },
        wrongFormulas: Object.keys(CARELESS),
        done: `C1 says "Clean name" and C2:C${last} hold each name trimmed and capitalised; submitting.`,
      }),
      distractors: [
        call('set_formula', { cell: 'People!C2', formula: '=UPPER(A2)' }),
        call('set_formula', { cell: 'People!C2', formula: '=TRIM(A2)' }),
        call('read_range', { range: `People!A1:C${last}` }),
      ],
    };
  },
};

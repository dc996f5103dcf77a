import type { Value } from '../engine/values.js';
import { call, FIRST, LAST, get, mixCandidates } from './helpers.js';
import type { FamilyDef } from './task.js';

const messy = (word: string, pick: number) => [word.toLowerCase(), word.toUpperCase(), word, word[0]!.toLowerCase() + word.slice(1).toUpperCase()][pick]!;
const proper = (text: string) => text.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase());

/** Data cleaning: trim stray spaces and fix the capitalisation of names. */
export const cleanNames: FamilyDef = {
  name: 'clean-names',
  difficulty: 'easy',
  description: 'Clean a column of names: trim and collapse spaces, Proper Case, into a new column.',
  generate(rng) {
    const n = rng.int(8, 14);
    const rows: Value[][] = [['Name', 'City']];
    for (let i = 0; i < n; i++) {
      const pad = () => ' '.repeat(rng.int(0, 2));
      const name = `${pad()}${messy(rng.pick(FIRST), rng.int(0, 3))}${' '.repeat(rng.int(1, 3))}${messy(rng.pick(LAST), rng.int(0, 3))}${pad()}`;
      rows.push([name, rng.pick(['Oslo', 'Lyon', 'Porto', 'Graz', 'Turin'])]);
    }
    const last = n + 1;
    return {
      instruction:
        `The Name column of sheet People (A2:A${last}) has stray spaces and wrong capitalisation. In column C, put header "Clean name" in C1 ` +
        `and, in C2:C${last}, each name with leading, trailing and repeated spaces removed and every word capitalised (e.g. "  jOHN   smith" -> "John Smith"). Then submit.`,
      sheets: [{ name: 'People', rows }],
      focus: 'People',
      expected: (wb) => {
        const out: Record<string, Value> = { 'People!C1': 'Clean name' };
        for (let r = 2; r <= last; r++) out[`People!C${r}`] = proper(String(get(wb, `People!A${r}`) ?? '').trim().replace(/ +/g, ' '));
        return out;
      },
      expert: [
        call('write_cells', { range: 'People!C1', values: [['Clean name']] }),
        call('set_formula', { cell: 'People!C2', formula: '=PROPER(TRIM(A2))' }),
        call('fill', { source: 'People!C2', target: `People!C3:C${last}` }),
        call('submit'),
      ],
      candidates: mixCandidates(
        rng,
        [call('set_formula', { cell: 'People!C2', formula: '=PROPER(TRIM(A2))' }), call('write_cells', { range: 'People!C1', values: [['Clean name']] })],
        [call('set_formula', { cell: 'People!C2', formula: '=UPPER(A2)' }), call('set_formula', { cell: 'People!C2', formula: '=TRIM(A2)' }), call('fill', { source: 'People!C2', target: `People!C3:C${last}` }), call('read_range', { range: `People!A1:C${last}` })],
      ),
    };
  },
};

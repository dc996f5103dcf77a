import type { Value } from '../engine/values.js';
import { call, FIRST, LAST, mixCandidates } from './helpers.js';
import type { FamilyDef, PlannedCall } from './task.js';

/** Data cleaning: delete rows whose key repeats one above it. */
export const removeDuplicates: FamilyDef = {
  name: 'remove-duplicates',
  difficulty: 'medium',
  description: 'Delete duplicate rows (same Email) in place, keeping first occurrences and the order.',
  generate(rng) {
    const people = rng.sample(FIRST, rng.int(7, 10)).map((f) => {
      const l = rng.pick(LAST);
      return [`${f.toLowerCase()}.${l.toLowerCase()}@example.com`, `${f} ${l}`, rng.pick(['Free', 'Pro', 'Team'])] as Value[];
    });
    const rows: Value[][] = [...people];
    const dupes = rng.int(2, 4);
    for (let i = 0; i < dupes; i++) {
      // A duplicate goes somewhere after its original.
      const src = rng.int(0, people.length - 1);
      const at = rng.int(rows.indexOf(people[src]!) + 1, rows.length);
      rows.splice(at, 0, [...people[src]!]);
    }
    const seen = new Set<Value>();
    const dupRows: number[] = [];
    rows.forEach((r, i) => (seen.has(r[0]!) ? dupRows.push(i + 2) : seen.add(r[0]!)));
    const last = rows.length + 1;
    const expert: PlannedCall[] = [...dupRows].reverse().map((row) => call('delete_rows', { sheet: 'Customers', row }));
    return {
      instruction:
        `Sheet Customers (A1:C${last}, header in row 1) lists some customers more than once (same Email). Delete every row whose Email already ` +
        'appears in a row above it, so each email is left once, in the original order, with no blank rows. Then submit.',
      sheets: [{ name: 'Customers', rows: [['Email', 'Name', 'Plan'], ...rows] }],
      focus: 'Customers',
      valueMode: 'all',
      expected: () => {
        const out: Record<string, Value> = {};
        people.forEach((p, i) => p.forEach((v, j) => (out[`Customers!${'ABC'[j]}${i + 2}`] = v)));
        for (let r = people.length + 2; r <= last; r++) for (const c of 'ABC') out[`Customers!${c}${r}`] = null;
        return out;
      },
      expert: [...expert, call('submit')],
      candidates: mixCandidates(
        rng,
        expert,
        [call('delete_rows', { sheet: 'Customers', row: 2 }), call('read_range', { range: `Customers!A1:C${last}` }), call('sort', { range: `Customers!A2:C${last}`, keys: [{ column: 'A' }] })],
      ),
    };
  },
};

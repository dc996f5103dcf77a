import type { ExpertStep } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { derive, move, readIfUnseen, refDerivation, rowLine, rowLines, submit } from './expert-kit.js';
import { call, FIRST, get, LAST } from './helpers.js';
import { sheetComponents, type FamilyDef } from './task.js';

/** The data rows of Customers as they are now (row number and A..C values). */
function currentRows(wb: Workbook): { row: number; values: Value[] }[] {
  const extent = wb.sheet('Customers')?.extent().rows ?? 0;
  const rows = [];
  for (let r = 2; r <= extent; r++) rows.push({ row: r, values: ['A', 'B', 'C'].map((c) => get(wb, `Customers!${c}${r}`)) });
  return rows;
}

const PLANS = ['Free', 'Pro', 'Team'];

/** Strategies that delete what they think is a duplicate without checking the table against the task (near-misses, conditions dropped). */
const CARELESS = ['keep-last', 'relax:keep-first', 'relax:email'];

/** Data cleaning: delete rows whose key repeats one above it. */
export const removeDuplicates: FamilyDef = {
  name: 'remove-duplicates',
  difficulty: 'medium',
  description: 'Delete duplicate rows (same Email) in place, keeping first occurrences and the order.',
  strategies: ['bottom-up', 'top-down'],
  nearMisses: ['keep-last'],
  conditions: ['email', 'keep-first'],
  guesses: ['delete-last-row'],
  components: sheetComponents('values'),
  collateral: true,
  generate(rng) {
    const people = rng.sample(FIRST, rng.int(7, 10)).map((f) => {
      const l = rng.pick(LAST);
      return [`${f.toLowerCase()}.${l.toLowerCase()}@example.com`, `${f} ${l}`, rng.pick(PLANS)] as Value[];
    });
    const rows: Value[][] = [...people];
    // One duplicate at the end, of someone not last: keeping last occurrences then changes the
    // order. It has another Plan (the customer changed it), so only its Email repeats: dropping
    // "same Email" for "same row" keeps it.
    const changed = people[rng.int(0, people.length - 2)]!;
    rows.push([changed[0]!, changed[1]!, rng.pick(PLANS.filter((p) => p !== changed[2]))]);
    const dupes = rng.int(1, 3);
    for (let i = 0; i < dupes; i++) {
      // A duplicate goes somewhere after its original.
      const src = rng.int(0, people.length - 1);
      const at = rng.int(rows.indexOf(people[src]!) + 1, rows.length);
      rows.splice(at, 0, [...people[src]!]);
    }
    const last = rows.length + 1;
    const table = `A1:C${last}`;
    return {
      instruction:
        `Sheet Customers (${table}, header in row 1) lists some customers more than once (same Email). Delete every row whose Email already ` +
        'appears in a row above it, so each email is left once, in the original order, with no blank rows. Change nothing else. Then submit.',
      sheets: [{ name: 'Customers', rows: [['Email', 'Name', 'Plan'], ...rows] }],
      focus: 'Customers',
      valueMode: 'all',
      expected: () => {
        const out: Record<string, Value> = {};
        people.forEach((p, i) => p.forEach((v, j) => (out[`Customers!${'ABC'[j]}${i + 2}`] = v)));
        for (let r = people.length + 2; r <= last; r++) for (const c of 'ABC') out[`Customers!${c}${r}`] = null;
        return out;
      },
      expert(view) {
        const { wb, strategy } = view;
        const rows = currentRows(wb);
        const read = readIfUnseen(
          view,
          'Customers',
          `A1:C${Math.max(2, rows.length + 1)}`,
          [table],
          `I need to see every row's Email before deleting any; reading the table.`,
        );
        if (read) return read;
        // Dropping "same Email" compares whole rows; dropping "keep first" keeps last occurrences.
        const key = (v: Value[]) => (strategy === 'relax:email' ? v.map(String).join(' | ') : String(v[0]));
        const keepLast = strategy === 'keep-last' || strategy === 'relax:keep-first';
        const wanted = people.map(key);
        const remaining = rows.map((r) => key(r.values));
        if (strategy === 'guess:delete-last-row') {
          if (rows.length < last - 1) return submit('I deleted the last row; submitting.');
          const lastRow = rows[rows.length - 1]!;
          return move('delete_rows', { sheet: 'Customers', row: lastRow.row }, 'Deleting the last row.', [
            derive(lastRow.row, [rowLine(wb, 'Customers', lastRow.row, 3)], 'the last row of the table'),
          ]);
        }
        // Deleting later duplicates of the rows as they are must leave the original people in order;
        // when an earlier edit lost or reordered a customer, the table is typed back from what was shown.
        const firsts = remaining.filter((k, i) => remaining.indexOf(k) === i);
        if (!CARELESS.includes(strategy) && firsts.join('\n') !== wanted.join('\n')) return retype(wb, view, people, rows.length);
        const duplicates = rows.filter((r, i) => (keepLast ? remaining.indexOf(key(r.values), i + 1) !== -1 : remaining.indexOf(key(r.values)) !== i));
        if (duplicates.length === 0) return submit(`Every email in Customers now appears once, in the original order, with no blank rows; submitting.`);
        const target = strategy === 'top-down' ? duplicates[0]! : duplicates[duplicates.length - 1]!;
        const first = rows.find((r) => key(r.values) === key(target.values) && r.row !== target.row)!;
        return move(
          'delete_rows',
          { sheet: 'Customers', row: target.row },
          `Row ${target.row} repeats the email ${key(target.values)} of row ${first.row}${strategy === 'top-down' ? ' (the first repeat from the top)' : keepLast || strategy === 'relax:email' ? '' : ' (deleting from the bottom keeps the rows above in place)'}; deleting it.`,
          [
            derive(
              target.row,
              [rowLine(wb, 'Customers', target.row, 3), rowLine(wb, 'Customers', first.row, 3)],
              'the row whose Email appears in a row above it',
            ),
          ],
        );
      },
      distractors: [call('read_range', { range: `Customers!${table}` }), call('set_format', { range: 'Customers!A1:C1', bold: true }), call('list_sheets')],
    };
  },
};

/** Puts the table back as the first view showed it, without its duplicates. */
function retype(wb: Workbook, view: { shown(text: string): boolean }, people: Value[][], height: number): ExpertStep {
  const values = people.map((p) => p.map((v) => v as string));
  const blank = Math.max(0, height - people.length);
  const clear = Array.from({ length: blank }, () => [null, null, null]);
  const range = `A2:C${people.length + 1 + blank}`;
  const sources = people.map((p) => `${p[0]} | ${p[1]} | ${p[2]}`).filter((s) => view.shown(s));
  return move(
    'write_cells',
    { range: `Customers!${range}`, values: [...values, ...clear] },
    'An earlier edit lost or moved a customer, so deleting duplicates alone cannot restore the list; I type the customers back in their original order, each once, as the table first showed them, and clear the rows below.',
    [
      refDerivation('Customers', range, [rowLines(wb, 'Customers', 1, 1, 3)[0]!], 'the data rows of the table'),
      ...values.flat().map((v) => derive(v, sources, 'a customer as the table first showed it')),
    ],
  );
}

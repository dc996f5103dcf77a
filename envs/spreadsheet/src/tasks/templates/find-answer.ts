// A question about a table, answered with the answer tool (a total, a count, the largest).
import type { Value } from '../../engine/values.js';
import { showValue } from '../../engine/values.js';
import { cellAt, derive, move, normalFormula, readIfUnseen, refDerivation, rowLine } from '../expert-kit.js';
import { call, get, num, PRODUCTS } from '../helpers.js';
import { sheetComponents, type FamilyDef } from '../task.js';

const WAREHOUSES = ['Leeds', 'Lyon', 'Porto', 'Graz'];

/** How many units of one item a stock table holds over all its warehouses. */
export const templateFamily: FamilyDef = {
  name: 'template-find-answer',
  difficulty: 'easy',
  // Change: what the catalogue says about the family.
  description: 'Answer how many Units of an item a stock table holds in all warehouses, with the answer tool.',
  // Ways the expert solves the task (each must reach reward 1), and attempts that must not.
  strategies: ['scan', 'scratch-formula'],
  nearMisses: ['total-of-all'],
  components: sheetComponents('answer'),
  collateral: true,
  // The task's conditions: the expert plays `relax:item` (every row summed), which must fail.
  conditions: ['item'],
  // Constant attempts, the same whatever the seed: each may succeed on at most 5% of seeds.
  guesses: ['first-row-units'],
  generate(rng) {
    // Change: the data and the question. Draw every choice from `rng`: a seed always gives the same task.
    const items = rng.sample(PRODUCTS, 3);
    const n = rng.int(8, 14);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([items[i % items.length]!, rng.pick(WAREHOUSES), rng.int(1, 90)]);
    // Asked about an item that is on some rows, not all (so dropping the item condition is wrong),
    // and on at least two (so the Units of one row, such as the first, are not the answer).
    const item = items[0]!;
    const total = rows.filter((r) => r[0] === item).reduce((s, r) => s + num(r[2]!), 0);
    const height = n + 1;
    const table = `A1:C${height}`;
    return {
      instruction:
        `Sheet Stock (${table}: Item, Warehouse, Units) lists each item's stock per warehouse. How many Units of ${item} are there ` +
        'in all warehouses together? Answer with the number only, with the answer tool. Leave the table as it is; columns E and ' +
        'after are free for scratch work.',
      sheets: [{ name: 'Stock', rows: [['Item', 'Warehouse', 'Units'], ...rows] }],
      focus: 'Stock',
      // Change: the scratch area the instruction grants (any other change fails the kit's no_collateral; IV is the last column).
      scratch: ['Stock!E:IV'],
      // Accepted answers (compared without case, spaces, quotes, thousands separators), or a number.
      question: { accept: [String(total)], numeric: total },
      expert(view) {
        const read = readIfUnseen(view, 'Stock', table, [table], `I need every stock row before answering; reading ${table}.`);
        if (read) return read;
        const { wb, strategy } = view;
        const header = rowLine(wb, 'Stock', 1, 3);
        if (strategy === 'scratch-formula') {
          const formula = `=SUMIF(A2:A${height},"${item}",C2:C${height})`;
          const cell = cellAt(wb, 'Stock!E1');
          if (normalFormula(cell?.formula) !== normalFormula(formula)) {
            return move('set_formula', { cell: 'Stock!E1', formula }, `A SUMIF in a spare cell (E1) adds the Units of the ${item} rows for me.`, [
              refDerivation('Stock', 'E1', [header], 'a spare cell right of the table'),
              derive(formula, [header, table, item], `Units (C) summed over the rows whose Item (A) is ${item}`),
            ]);
          }
          const shown = showValue(cell!.value);
          return move('answer', { text: shown }, `The SUMIF in E1 shows ${shown}: the Units of ${item} in all warehouses.`);
        }
        // Change: how the answer is computed from the rows as they are now (a sort may have moved them).
        const picked: number[] = [];
        const all = strategy === 'total-of-all' || strategy === 'relax:item';
        for (let r = 2; r <= height; r++) if (all || get(wb, `Stock!A${r}`) === item) picked.push(r);
        if (strategy === 'guess:first-row-units') picked.splice(1);
        const text = String(picked.reduce((s, r) => s + num(get(wb, `Stock!C${r}`)), 0));
        return move('answer', { text }, `Rows ${picked.join(', ')} hold ${item}; their Units add up to ${text}.`, [
          derive(
            text,
            picked.map((r) => rowLine(wb, 'Stock', r, 3)),
            `the sum of the Units of rows ${picked.join(', ')}`,
          ),
        ]);
      },
      // Calls that do not help, offered among the candidate actions.
      distractors: [call('sort', { range: `Stock!A2:C${height}`, keys: [{ column: 'C', order: 'desc' }] }), call('answer', { text: '0' })],
    };
  },
};

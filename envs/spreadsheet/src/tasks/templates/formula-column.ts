// A column of formulas, one per row, computed from other columns of the row (a total, a net amount, a date).
import type { Value } from '../../engine/values.js';
import type { Workbook } from '../../engine/workbook.js';
import { rowLine } from '../expert-kit.js';
import { bump, call, get, num } from '../helpers.js';
import { formulaColumnExpert, typedValues } from '../shapes/formula-column.js';
import { sheetComponents, type FamilyDef } from '../task.js';

/** A running total of a column of amounts, one formula per row. */
export const templateFamily: FamilyDef = {
  name: 'template-formula-column',
  difficulty: 'easy',
  // Change: what the catalogue says about the family.
  description: 'Add a Running total column (the sum of the Amounts down to each row) with formulas.',
  // Ways the expert solves the task (each must reach reward 1), and attempts that must not.
  strategies: ['fill-down', 'formula-block'],
  nearMisses: ['typed-values'],
  // The verdict's components in credit order (the data before its header). No `conditions`: the
  // task states none (a filter on rows would be one).
  components: sheetComponents('formulas', 'values', 'labels'),
  // The kit judges the whole workbook: a change outside the targets fails its guard no_collateral.
  collateral: true,
  // A constant attempt, the same formula whatever the seed: must succeed on at most 5% of seeds.
  guesses: ['row-amount'],
  generate(rng) {
    // Change: the data. Draw every choice from `rng`: a seed always gives the same task.
    const n = rng.int(6, 12);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([`Day ${i + 1}`, rng.int(5, 500)]);
    const last = n + 1;
    // Change: the value each target cell must hold, computed only from the workbook it is given.
    const expected = (wb: Workbook) => {
      const out: Record<string, Value> = { 'Ledger!C1': 'Running total' };
      let total = 0;
      for (let r = 2; r <= last; r++) {
        total += num(get(wb, `Ledger!B${r}`));
        out[`Ledger!C${r}`] = total;
      }
      return out;
    };
    return {
      instruction:
        `On sheet Ledger (A1:B${last}: Day, Amount), put "Running total" in C1 and in C2:C${last} a formula for each row: ` +
        'the sum of the Amounts from row 2 down to that row. Then submit.',
      sheets: [{ name: 'Ledger', rows: [['Day', 'Amount'], ...rows] }],
      focus: 'Ledger',
      expected,
      labels: ['Ledger!C1'],
      // The targets must be formulas: the check moves every input (`perturb`) and recalculates.
      formulas: {
        cells: rows.map((_, i) => `Ledger!C${i + 2}`),
        inputs: [`Ledger!B2:B${last}`],
        perturb: (wb, r) => bump(wb, r, 'Ledger', 'B', [2, last]),
      },
      // Change: the tables to read, the header, the formula of row r and the text it comes from.
      expert: formulaColumnExpert({
        reads: [{ sheet: 'Ledger', range: `A1:B${last}`, why: `I need every Amount before adding them up; reading A1:B${last}.` }],
        header: { cell: 'C1', text: 'Running total' },
        block: ({ wb, strategy }) => ({
          sheet: 'Ledger',
          top: 2,
          bottom: last,
          columns: [{ col: 'C', label: 'Running total', formula: (r) => (strategy === 'guess:row-amount' ? `=B${r}` : `=SUM(B$2:B${r})`) }],
          sources: [rowLine(wb, 'Ledger', 1, 2), 'the sum of the Amounts from row 2 down to that row'],
          how: 'SUM of the Amount column B from row 2 (kept with $ when filled) down to the same row',
          rangeSources: [`C2:C${last}`],
        }),
        expected,
        blockStrategies: ['formula-block'],
        wrongFormulas: ['guess:row-amount'],
        typed: { 'typed-values': typedValues('Typing each running total as a number.') },
        done: `C1 is "Running total" and C2:C${last} sum the Amounts down to their row; submitting.`,
      }),
      // Calls that do not help, offered among the candidate actions.
      distractors: [call('set_formula', { cell: 'Ledger!C2', formula: `=SUM(B2:B${last})` }), call('read_range', { range: `Ledger!A1:C${last}` })],
    };
  },
};

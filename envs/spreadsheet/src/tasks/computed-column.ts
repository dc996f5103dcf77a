import type { Value } from '../engine/values.js';
import { bump, call, get, mixCandidates, num, PRODUCTS, round2 } from './helpers.js';
import type { FamilyDef } from './task.js';

/** Computed columns: a net amount from quantity, price and discount. */
export const computedColumn: FamilyDef = {
  name: 'computed-column',
  difficulty: 'easy',
  description: 'Add a computed Net column (qty × price × (1 − discount), rounded to cents) with formulas.',
  generate(rng) {
    const n = rng.int(8, 15);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([`${rng.pick(PRODUCTS)} ${rng.int(1, 99)}`, rng.int(1, 40), rng.int(2, 300) + rng.pick([0, 0.5, 0.95]), rng.pick([0, 0.05, 0.1, 0.15, 0.2])]);
    const last = n + 1;
    const cells = [...Array(n).keys()].map((i) => `Items!E${i + 2}`);
    const formula = '=ROUND(B2*C2*(1-D2),2)';
    return {
      instruction:
        `On sheet Items (A1:D${last}: Item, Qty, Unit price, Discount), put "Net" in E1 and in E2:E${last} a formula for each row: ` +
        'Qty × Unit price × (1 − Discount), rounded to 2 decimals. Then submit.',
      sheets: [{ name: 'Items', rows: [['Item', 'Qty', 'Unit price', 'Discount'], ...rows], formats: [{ range: `D2:D${last}`, format: { numFmt: '0%' } }] }],
      focus: 'Items',
      expected: (wb) => {
        const out: Record<string, Value> = { 'Items!E1': 'Net' };
        for (let r = 2; r <= last; r++) out[`Items!E${r}`] = round2(num(get(wb, `Items!B${r}`)) * num(get(wb, `Items!C${r}`)) * (1 - num(get(wb, `Items!D${r}`))));
        return out;
      },
      formulas: {
        cells,
        perturb: (wb, r) => {
          bump(wb, r, 'Items', 'B', [2, last]);
          bump(wb, r, 'Items', 'C', [2, last], 1, 30);
        },
      },
      expert: [
        call('write_cells', { range: 'Items!E1', values: [['Net']] }),
        call('set_formula', { cell: 'Items!E2', formula }),
        call('fill', { source: 'Items!E2', target: `Items!E3:E${last}` }),
        call('submit'),
      ],
      candidates: mixCandidates(
        rng,
        [call('set_formula', { cell: 'Items!E2', formula }), call('write_cells', { range: 'Items!E1', values: [['Net']] })],
        [call('set_formula', { cell: 'Items!E2', formula: '=B2*C2' }), call('fill', { source: 'Items!E2', target: `Items!E3:E${last}` }), call('insert_columns', { sheet: 'Items', column: 'E' })],
      ),
    };
  },
};

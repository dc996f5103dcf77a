import type { Value } from '../engine/values.js';
import { bump, call, get, mixCandidates, num, PRODUCTS } from './helpers.js';
import type { FamilyDef } from './task.js';

/** Lookups across sheets: price each order line from a product table on another sheet. */
export const crossSheetLookup: FamilyDef = {
  name: 'cross-sheet-lookup',
  difficulty: 'medium',
  description: 'Look up unit prices from a Products sheet into Orders and compute line totals, with formulas.',
  generate(rng) {
    const products = rng.sample(PRODUCTS, rng.int(4, 6)).map((name, i) => [`P-${100 + i * 7 + rng.int(0, 6)}`, name, rng.int(3, 60) + rng.pick([0, 0.5, 0.25, 0.99])] as Value[]);
    const m = products.length + 1;
    const n = rng.int(8, 14);
    const orders: Value[][] = [];
    for (let i = 0; i < n; i++) orders.push([`O-${2000 + i}`, rng.pick(products)[0]!, rng.int(1, 12), null, null]);
    const last = n + 1;
    const targets = [...Array(n).keys()].flatMap((i) => [`Orders!D${i + 2}`, `Orders!E${i + 2}`]);
    const lookup = `=VLOOKUP(B2,Products!$A$2:$C$${m},3,FALSE)`;
    return {
      instruction:
        `Sheet Orders (A1:E${last}) has order lines with a product Code and a Qty. Fill Orders!D2:D${last} (Unit price) with each line's price looked up ` +
        `by Code from sheet Products (A2:C${m}: Code, Name, Price), and Orders!E2:E${last} (Total) with Qty × Unit price. Use formulas, so the ` +
        'sheet stays right when prices or quantities change. Then submit.',
      sheets: [
        { name: 'Orders', rows: [['Order', 'Code', 'Qty', 'Unit price', 'Total'], ...orders] },
        { name: 'Products', rows: [['Code', 'Name', 'Price'], ...products] },
      ],
      focus: 'Orders',
      expected: (wb) => {
        const prices = new Map<Value, number>();
        for (let r = 2; r <= m; r++) prices.set(get(wb, `Products!A${r}`), num(get(wb, `Products!C${r}`)));
        const out: Record<string, Value> = {};
        for (let r = 2; r <= last; r++) {
          const price = prices.get(get(wb, `Orders!B${r}`)) ?? 0;
          out[`Orders!D${r}`] = price;
          out[`Orders!E${r}`] = price * num(get(wb, `Orders!C${r}`));
        }
        return out;
      },
      formulas: {
        cells: targets,
        perturb: (wb, r) => {
          bump(wb, r, 'Products', 'C', [2, m]);
          bump(wb, r, 'Orders', 'C', [2, last]);
        },
      },
      expert: [
        call('set_formula', { cell: 'Orders!D2', formula: lookup }),
        call('fill', { source: 'Orders!D2', target: `Orders!D3:D${last}` }),
        call('set_formula', { cell: 'Orders!E2', formula: '=C2*D2' }),
        call('fill', { source: 'Orders!E2', target: `Orders!E3:E${last}` }),
        call('submit'),
      ],
      candidates: mixCandidates(
        rng,
        [call('set_formula', { cell: 'Orders!D2', formula: lookup }), call('set_formula', { cell: 'Orders!E2', formula: '=C2*D2' })],
        [call('read_range', { range: `Products!A1:C${m}` }), call('set_formula', { cell: 'Orders!D2', formula: `=VLOOKUP(B2,Products!A2:C${m},2,FALSE)` }), call('fill', { source: 'Orders!D2', target: `Orders!D3:D${last}` }), call('list_sheets')],
      ),
    };
  },
};

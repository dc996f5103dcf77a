import type { Rng } from '@workgym/protocol';
import { drawUntil } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { rowLine } from './expert-kit.js';
import { bump, call, get, num, PRODUCTS, setValues } from './helpers.js';
import { formulaColumnExpert, typedValues } from './shapes/formula-column.js';
import { sheetComponents, type FamilyDef } from './task.js';

/** The same Unit price formula whatever the seed, instead of a lookup by Code. */
const GUESSES: Record<string, (r: number) => string> = {
  'guess:first-price': () => '=Products!$C$2',
  'guess:same-row-price': (r) => `=Products!C${r}`,
};

/**
 * Order lines over `products`, drawn again from `rng` until they name more than one product, so
 * that no single price is right for every line (and there are more lines than products, so
 * taking the price of the same row fails too).
 */
function drawOrders(rng: Rng, products: Value[][]): Value[][] {
  return drawUntil(
    rng,
    () => {
      const n = rng.int(8, 14);
      const orders: Value[][] = [];
      for (let i = 0; i < n; i++) orders.push([`O-${2000 + i}`, rng.pick(products)[0]!, rng.int(1, 12), null, null]);
      return orders;
    },
    (orders) => new Set(orders.map((o) => o[1])).size > 1,
  );
}

/** Lookups across sheets: price each order line from a product table on another sheet. */
export const crossSheetLookup: FamilyDef = {
  name: 'cross-sheet-lookup',
  difficulty: 'medium',
  description: 'Look up unit prices from a Products sheet into Orders and compute line totals, with formulas.',
  strategies: ['vlookup-fill', 'index-match-block'],
  nearMisses: ['typed-values', 'price-constants'],
  guesses: ['first-price', 'same-row-price'],
  components: sheetComponents('formulas', 'values'),
  collateral: true,
  generate(rng) {
    const products = rng
      .sample(PRODUCTS, rng.int(4, 6))
      .map((name, i) => [`P-${100 + i * 7 + rng.int(0, 6)}`, name, rng.int(3, 60) + rng.pick([0, 0.5, 0.25, 0.99])] as Value[]);
    const m = products.length + 1;
    const orders = drawOrders(rng, products);
    const n = orders.length;
    const last = n + 1;
    const targets = [...Array(n).keys()].flatMap((i) => [`Orders!D${i + 2}`, `Orders!E${i + 2}`]);
    const vlookup = (r: number) => `=VLOOKUP(B${r},Products!$A$2:$C$${m},3,FALSE)`;
    const indexMatch = (r: number) => `=INDEX(Products!$C$2:$C$${m},MATCH(B${r},Products!$A$2:$A$${m},0))`;
    const expected = (wb: Workbook) => {
      const prices = new Map<Value, number>();
      for (let r = 2; r <= m; r++) prices.set(get(wb, `Products!A${r}`), num(get(wb, `Products!C${r}`)));
      const out: Record<string, Value> = {};
      for (let r = 2; r <= last; r++) {
        const price = prices.get(get(wb, `Orders!B${r}`)) ?? 0;
        out[`Orders!D${r}`] = price;
        out[`Orders!E${r}`] = price * num(get(wb, `Orders!C${r}`));
      }
      return out;
    };
    return {
      instruction:
        `Sheet Orders (A1:E${last}) has order lines with a product Code and a Qty. Fill Orders!D2:D${last} (Unit price) with each line's price looked up ` +
        `by Code from sheet Products (A2:C${m}: Code, Name, Price), and Orders!E2:E${last} (Total) with Qty × Unit price. Use formulas, so the ` +
        'sheet stays right when prices or quantities change. Change no other cell. Then submit.',
      sheets: [
        { name: 'Orders', rows: [['Order', 'Code', 'Qty', 'Unit price', 'Total'], ...orders] },
        { name: 'Products', rows: [['Code', 'Name', 'Price'], ...products] },
      ],
      focus: 'Orders',
      expected,
      formulas: {
        cells: targets,
        inputs: [`Orders!B2:C${last}`, `Products!A2:C${m}`],
        perturb: (wb, r) => {
          bump(wb, r, 'Products', 'C', [2, m]);
          bump(wb, r, 'Orders', 'C', [2, last]);
          // New codes and names for every product, and every order line moved to another product.
          const values: Record<string, Value> = {};
          const renamed = new Map<Value, string>();
          for (let row = 2; row <= m; row++) {
            const code = `P-${900 + row}`;
            renamed.set(get(wb, `Products!A${row}`), code);
            values[`Products!A${row}`] = code;
            values[`Products!B${row}`] = `${String(get(wb, `Products!B${row}`))} II`;
          }
          const codes = [...renamed.values()];
          for (let row = 2; row <= last; row++) values[`Orders!B${row}`] = r.pick(codes.filter((c) => c !== renamed.get(get(wb, `Orders!B${row}`))));
          setValues(wb, values);
        },
      },
      expert: formulaColumnExpert({
        reads: [
          {
            sheet: 'Orders',
            range: `A1:C${last}`,
            sources: [`A1:E${last}`],
            why: 'I need the order lines (Code, Qty) before writing formulas for them; reading Orders.',
          },
          {
            sheet: 'Products',
            range: `A1:C${m}`,
            sources: [`A2:C${m}`],
            why: `The prices are on sheet Products, which I have not seen yet; reading its table (A1:C${m}) before looking anything up in it.`,
          },
        ],
        block: ({ wb, strategy }) => ({
          sheet: 'Orders',
          top: 2,
          bottom: last,
          columns: [
            {
              col: 'D',
              label: 'Unit price',
              formula: GUESSES[strategy] ?? (strategy === 'index-match-block' ? indexMatch : vlookup),
              alternatives: (r) => (GUESSES[strategy] ? [] : [vlookup(r), indexMatch(r)]),
            },
            { col: 'E', label: 'Total', formula: (r) => `=C${r}*D${r}` },
          ],
          sources: [rowLine(wb, 'Orders', 1, 5), rowLine(wb, 'Products', 1, 3), rowLine(wb, 'Products', m, 3), 'Qty × Unit price'],
          how: `the line's Code (column B) looked up in the Code column of Products A2:A${m}, taking the Price (third column); Total = Qty (C) × Unit price (D)`,
          rangeSources: [`D2:D${last}`, `E2:E${last}`],
        }),
        expected,
        blockStrategies: ['index-match-block'],
        wrongFormulas: Object.keys(GUESSES),
        typed: {
          'typed-values': typedValues('Each line’s price and total, typed in.'),
          'price-constants': {
            text: 'Each line’s price typed in as a formula constant.',
            row: (r, { want }) => [`=${String(want[`Orders!D${r}`])}`, `=C${r}*D${r}`],
          },
        },
        done: 'Every order line has its Unit price looked up from Products and Total = Qty × Unit price, as formulas; submitting.',
      }),
      distractors: [
        call('read_range', { range: `Products!A1:C${m}` }),
        call('set_formula', { cell: 'Orders!D2', formula: `=VLOOKUP(B2,Products!A2:C${m},2,FALSE)` }),
        call('list_sheets'),
      ],
    };
  },
};

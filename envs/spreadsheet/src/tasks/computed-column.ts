import type { Rng } from '@workgym/protocol';
import { drawUntil } from '@workgym/protocol/kit';
import { sameValue, type Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { rowLine } from './expert-kit.js';
import { bump, call, get, num, PRODUCTS, round2, setValues } from './helpers.js';
import { formulaColumnExpert, typedValues } from './shapes/formula-column.js';
import { sheetComponents, type FamilyDef } from './task.js';

const DISCOUNTS = [0, 0.05, 0.1, 0.15, 0.2];

/** The same formula whatever the seed, with the discount or the rounding left out. */
const GUESSES: Record<string, (r: number) => string> = {
  'guess:no-discount': (r) => `=ROUND(B${r}*C${r},2)`,
  'guess:no-rounding': (r) => `=B${r}*C${r}*(1-D${r})`,
};

/**
 * Item rows where the discount and the rounding the task states both matter: some row has a
 * discount and some row's unrounded Net is not whole cents, drawn again from `rng` until so
 * (leaving either out of the formula is then wrong).
 */
function drawItems(rng: Rng): Value[][] {
  const net = (r: Value[]) => num(r[1]!) * num(r[2]!) * (1 - num(r[3]!));
  return drawUntil(
    rng,
    () => {
      const n = rng.int(8, 15);
      const rows: Value[][] = [];
      for (let i = 0; i < n; i++)
        rows.push([`${rng.pick(PRODUCTS)} ${rng.int(1, 99)}`, rng.int(1, 40), rng.int(2, 300) + rng.pick([0, 0.5, 0.95]), rng.pick(DISCOUNTS)]);
      return rows;
    },
    (rows) => rows.some((r) => r[3] !== 0) && rows.some((r) => !sameValue(net(r), round2(net(r)))),
  );
}

/** Computed columns: a net amount from quantity, price and discount. */
export const computedColumn: FamilyDef = {
  name: 'computed-column',
  difficulty: 'easy',
  description: 'Add a computed Net column (qty × price × (1 − discount), rounded to cents) with formulas.',
  strategies: ['fill-down', 'formula-block'],
  nearMisses: ['typed-values', 'hardcoded-discount'],
  guesses: ['no-discount', 'no-rounding'],
  components: sheetComponents('formulas', 'values', 'labels'),
  collateral: true,
  generate(rng) {
    const rows = drawItems(rng);
    const n = rows.length;
    const last = n + 1;
    const cells = [...Array(n).keys()].map((i) => `Items!E${i + 2}`);
    const rule = 'Qty × Unit price × (1 − Discount), rounded to 2 decimals';
    const expected = (wb: Workbook) => {
      const out: Record<string, Value> = { 'Items!E1': 'Net' };
      for (let r = 2; r <= last; r++)
        out[`Items!E${r}`] = round2(num(get(wb, `Items!B${r}`)) * num(get(wb, `Items!C${r}`)) * (1 - num(get(wb, `Items!D${r}`))));
      return out;
    };
    return {
      instruction:
        `On sheet Items (A1:D${last}: Item, Qty, Unit price, Discount), put "Net" in E1 and in E2:E${last} a formula for each row: ` +
        `${rule}. Change no other cell. Then submit.`,
      sheets: [{ name: 'Items', rows: [['Item', 'Qty', 'Unit price', 'Discount'], ...rows], formats: [{ range: `D2:D${last}`, format: { numFmt: '0%' } }] }],
      focus: 'Items',
      expected,
      labels: ['Items!E1'],
      formulas: {
        cells,
        inputs: [`Items!B2:D${last}`],
        perturb: (wb, r) => {
          bump(wb, r, 'Items', 'B', [2, last]);
          bump(wb, r, 'Items', 'C', [2, last], 1, 30);
          const discounts: Record<string, Value> = {};
          for (let row = 2; row <= last; row++) discounts[`Items!D${row}`] = r.pick(DISCOUNTS.filter((d) => d !== get(wb, `Items!D${row}`)));
          setValues(wb, discounts);
        },
      },
      expert: formulaColumnExpert({
        reads: [
          {
            sheet: 'Items',
            range: `A1:D${last}`,
            why: `I need every row's Qty, Unit price and Discount before writing Net; reading A1:D${last}.`,
          },
        ],
        header: { cell: 'E1', text: 'Net' },
        block: ({ wb, strategy }) => ({
          sheet: 'Items',
          top: 2,
          bottom: last,
          columns: [{ col: 'E', label: 'Net', formula: GUESSES[strategy] ?? ((r) => `=ROUND(B${r}*C${r}*(1-D${r}),2)`) }],
          sources: [rowLine(wb, 'Items', 1, 4), rule],
          how: 'Qty (column B) × Unit price (C) × (1 − Discount (D)) of the same row, rounded with ROUND(…, 2)',
          rangeSources: [`E2:E${last}`],
        }),
        expected,
        blockStrategies: ['formula-block'],
        wrongFormulas: Object.keys(GUESSES),
        typed: {
          'typed-values': typedValues('Typing each row’s Net as a number.'),
          'hardcoded-discount': {
            text: 'Net with each row’s discount typed into the formula.',
            row: (r, { wb }) => [`=ROUND(B${r}*C${r}*(1-${num(get(wb, `Items!D${r}`))}),2)`],
          },
        },
        done: `E1 is "Net" and E2:E${last} all hold the Net formula with values that match their rows; submitting.`,
      }),
      distractors: [
        call('set_formula', { cell: 'Items!E2', formula: '=B2*C2' }),
        call('read_range', { range: `Items!A1:E${last}` }),
        call('write_cells', { range: 'Items!E1', values: [['Total']] }),
        call('set_format', { range: `Items!E2:E${last}`, number_format: '0.00' }),
      ],
    };
  },
};

import type { Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { money } from './bk-names.js';
import { readIfUnseen, rowLine, submit } from './expert-kit.js';
import { blockMove, fillDownMove, writeValuesMove, type FormulaBlock } from './formula-block.js';
import { bump, call, get, num, relabel, round2, setValues } from './helpers.js';
import { sheetComponents, type ExpertView, type FamilyDef } from './task.js';

const CLASSES = ['Standard', 'Reduced', 'Zero', 'Intermediate'];
const RATES: Record<string, number[]> = { Standard: [0.19, 0.2, 0.21, 0.23], Reduced: [0.05, 0.07, 0.09, 0.1], Zero: [0], Intermediate: [0.12, 0.13, 0.14] };
const ITEMS: Record<string, string[]> = {
  Standard: ['Office chair', 'Laptop stand', 'Toner cartridge', 'Desk lamp', 'Consulting hour', 'Cable set'],
  Reduced: ['Printed manual', 'Catering lunch', 'Coffee beans', 'Textbook'],
  Zero: ['Export freight', 'Postage', 'Insurance fee'],
  Intermediate: ['Hotel night', 'Event ticket', 'Cut flowers'],
};
const DISCOUNTS = [0, 0, 0.05, 0.1, 0.15, 0.2];
/** Per tier: invoices, tax classes, lines per invoice. */
const SIZE: Record<Difficulty, { invoices: number; classes: number; lines: [number, number] }> = {
  easy: { invoices: 3, classes: 2, lines: [2, 3] },
  medium: { invoices: 5, classes: 3, lines: [2, 4] },
  hard: { invoices: 8, classes: 4, lines: [2, 5] },
};

/** The stated rules a careless fill drops: the discount, the class's own rate, rounding each line to the cent. */
const CONDITIONS = ['discount', 'tax-class', 'rounding'] as const;

interface Line {
  invoice: string;
  item: string;
  cls: string;
  qty: number;
  price: number;
  discount: number;
}

/** The line formulas: Net and Tax of row r, as the strategies, relaxations and guesses write them. */
function lineFormulas(k: number) {
  const rate = (r: number) => `VLOOKUP(C${r},Tax!$A$2:$B$${k},2,FALSE)`;
  const indexRate = (r: number) => `INDEX(Tax!$B$2:$B$${k},MATCH(C${r},Tax!$A$2:$A$${k},0))`;
  const net = (r: number) => `=ROUND(D${r}*E${r}*(1-F${r}),2)`;
  return {
    net,
    tax: (r: number) => `=ROUND(G${r}*${rate(r)},2)`,
    indexTax: (r: number) => `=ROUND(G${r}*${indexRate(r)},2)`,
    wrong: {
      'relax:discount': { net: (r: number) => `=ROUND(D${r}*E${r},2)`, tax: (r: number) => `=ROUND(G${r}*${rate(r)},2)` },
      'relax:tax-class': { net, tax: (r: number) => `=ROUND(G${r}*Tax!$B$2,2)` },
      'relax:rounding': { net: (r: number) => `=D${r}*E${r}*(1-F${r})`, tax: (r: number) => `=G${r}*${rate(r)}` },
      'guess:flat-20-percent': { net, tax: (r: number) => `=ROUND(G${r}*0.2,2)` },
      'guess:no-tax': { net, tax: () => '=0' },
    } as Record<string, { net: (r: number) => string; tax: (r: number) => string }>,
  };
}

/** Lines of `invoices`, drawn again until each stated rule changes some line (and no single rate is right for every line). */
function drawLines(rng: Rng, tier: Difficulty, invoices: string[], classes: string[], rates: Map<string, number>): Line[] {
  const size = SIZE[tier];
  return drawUntil(
    rng,
    () =>
      invoices.flatMap((invoice) =>
        Array.from({ length: rng.int(...size.lines) }, () => {
          const cls = rng.pick(classes);
          const price = rng.int(150, 48_000) / 100;
          return { invoice, item: rng.pick(ITEMS[cls]!), cls, qty: rng.int(1, 24), price, discount: rng.pick(DISCOUNTS) };
        }),
      ),
    (lines) =>
      lines.some((l) => l.discount > 0) &&
      new Set(lines.map((l) => rates.get(l.cls))).size > 1 &&
      lines.some((l) => rates.get(l.cls) !== 0.2 && rates.get(l.cls) !== rates.get(classes[0]!)) &&
      // Unrounded, a small line is off by more than the values check's tolerance (a millionth of the amount).
      lines.some((l) => lineNet(l) < 500 && Math.abs(lineNet(l) - round2(lineNet(l))) > 0.0015) &&
      // No amount exactly half a cent: engines disagree on how a binary x.xx5 rounds.
      lines.every((l) => !halfCent(lineNet(l)) && !halfCent(round2(lineNet(l)) * rates.get(l.cls)!)),
  );
}

const lineNet = (l: Line) => l.qty * l.price * (1 - l.discount);
const halfCent = (x: number) => Math.abs(Math.abs((x * 100) % 1) - 0.5) < 1e-6;

/** Invoice totals: per-line net and tax (discount, tax rate by product class, rounded to the cent), then net, tax and gross per invoice. */
export const bkInvoiceTotals: FamilyDef = {
  name: 'bk-invoice-totals',
  job: 'bookkeeping',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Fill each invoice line’s net and tax (discount, the tax rate of its product class, rounded to the cent) and each invoice’s net, tax and gross, with formulas.',
  strategies: ['fill-down', 'one-block'],
  nearMisses: ['typed-values', 'constant-formulas'],
  components: sheetComponents('formulas', 'values'),
  collateral: true,
  conditions: [...CONDITIONS],
  guesses: ['flat-20-percent', 'no-tax'],
  generate(rng, _task, tier) {
    const size = SIZE[tier];
    const classes = CLASSES.slice(0, size.classes);
    const rates = new Map(classes.map((c) => [c, rng.pick(RATES[c]!)]));
    let number = rng.int(20100, 29000);
    const invoices = Array.from({ length: size.invoices }, () => `INV-${(number += rng.int(1, 3))}`);
    const lines = drawLines(rng, tier, invoices, classes, rates);
    const n = lines.length + 1;
    const k = classes.length + 1;
    const j = invoices.length + 1;
    const f = lineFormulas(k);
    const lineCells = lines.flatMap((_, i) => [`Lines!G${i + 2}`, `Lines!H${i + 2}`]);
    const totalCells = invoices.flatMap((_, i) => ['B', 'C', 'D'].map((c) => `Totals!${c}${i + 2}`));
    const expected = (wb: Workbook) => {
      const rate = new Map<Value, number>();
      for (let r = 2; r <= k; r++) rate.set(get(wb, `Tax!A${r}`), num(get(wb, `Tax!B${r}`)));
      const out: Record<string, Value> = {};
      const sums = new Map<Value, { net: number; tax: number }>();
      for (let r = 2; r <= n; r++) {
        const net = round2(num(get(wb, `Lines!D${r}`)) * num(get(wb, `Lines!E${r}`)) * (1 - num(get(wb, `Lines!F${r}`))));
        const tax = round2(net * (rate.get(get(wb, `Lines!C${r}`)) ?? 0));
        Object.assign(out, { [`Lines!G${r}`]: net, [`Lines!H${r}`]: tax });
        const sum = sums.get(get(wb, `Lines!A${r}`)) ?? { net: 0, tax: 0 };
        sums.set(get(wb, `Lines!A${r}`), { net: sum.net + net, tax: sum.tax + tax });
      }
      for (let r = 2; r <= j; r++) {
        const sum = sums.get(get(wb, `Totals!A${r}`)) ?? { net: 0, tax: 0 };
        Object.assign(out, { [`Totals!B${r}`]: sum.net, [`Totals!C${r}`]: sum.tax, [`Totals!D${r}`]: sum.net + sum.tax });
      }
      return out;
    };
    const sumifs = (col: string) => (r: number) => `=SUMIFS(Lines!$${col}$2:$${col}$${n},Lines!$A$2:$A$${n},A${r})`;
    const sumif = (col: string) => (r: number) => `=SUMIF(Lines!$A$2:$A$${n},A${r},Lines!$${col}$2:$${col}$${n})`;
    const blocks = (wb: Workbook, strategy: string): [FormulaBlock, FormulaBlock] => {
      const wrong = f.wrong[strategy];
      const oneBlock = strategy === 'one-block';
      return [
        {
          sheet: 'Lines',
          top: 2,
          bottom: n,
          columns: [
            { col: 'G', label: 'line Net', formula: wrong?.net ?? f.net },
            {
              col: 'H',
              label: 'line Tax',
              formula: wrong?.tax ?? (oneBlock ? f.indexTax : f.tax),
              alternatives: (r) => (wrong ? [] : [f.tax(r), f.indexTax(r)]),
            },
          ],
          sources: [rowLine(wb, 'Lines', 1, 6), rowLine(wb, 'Tax', 1, 2), rowLine(wb, 'Tax', k, 2), 'ROUND(…,2)'],
          how: `Net = Qty (D) × Unit price (E) × (1 − Discount (F)), rounded to the cent; Tax = Net × the Rate of the line's Class (C) looked up in Tax!A2:B${k}, rounded to the cent`,
          rangeSources: [`G2:G${n}`, `H2:H${n}`],
        },
        {
          sheet: 'Totals',
          top: 2,
          bottom: j,
          columns: [
            { col: 'B', label: 'invoice Net', formula: oneBlock ? sumif('G') : sumifs('G'), alternatives: (r) => [sumifs('G')(r), sumif('G')(r)] },
            { col: 'C', label: 'invoice Tax', formula: oneBlock ? sumif('H') : sumifs('H'), alternatives: (r) => [sumifs('H')(r), sumif('H')(r)] },
            { col: 'D', label: 'Gross', formula: (r) => `=B${r}+C${r}` },
          ],
          sources: [rowLine(wb, 'Lines', 1, 8), rowLine(wb, 'Totals', 1, 4), 'the sums of its rounded lines', 'Gross = Net + Tax'],
          how: `the sum of the Lines' Net (G) and Tax (H) whose Invoice (Lines column A) is the invoice in column A of the row; Gross = Net + Tax`,
          rangeSources: [`B2:D${j}`],
        },
      ];
    };
    const expert = (view: ExpertView): ExpertStep => {
      const { wb, strategy } = view;
      const read =
        readIfUnseen(
          view,
          'Lines',
          `A1:F${n}`,
          [`A1:H${n}`],
          'I need every invoice line (class, qty, price, discount) before writing formulas for them; reading Lines.',
        ) ??
        readIfUnseen(view, 'Tax', `A1:B${k}`, [`A1:B${k}`], 'The tax rate of each product class is on sheet Tax, which I have not seen; reading it.') ??
        readIfUnseen(view, 'Totals', `A1:D${j}`, [`A1:D${j}`], 'Reading the Totals sheet to see which invoices it lists.');
      if (read) return read;
      const want = expected(wb);
      const [lineBlock, totalBlock] = blocks(wb, strategy);
      if (strategy === 'typed-values' || strategy === 'constant-formulas') {
        const typed = (b: FormulaBlock) =>
          Array.from({ length: b.bottom - b.top + 1 }, (_, i) =>
            b.columns.map((c) => {
              const v = want[`${b.sheet}!${c.col}${b.top + i}`] as number;
              return strategy === 'typed-values' ? v : `=${v}`;
            }),
          );
        const text = strategy === 'typed-values' ? 'Typing each computed amount in.' : 'Each amount as a formula of its own number.';
        return (
          writeValuesMove(wb, lineBlock, typed(lineBlock), text) ?? writeValuesMove(wb, totalBlock, typed(totalBlock), text) ?? submit('The amounts are in.')
        );
      }
      const values = f.wrong[strategy] ? {} : want;
      // Careless fills (relaxations, guesses) as one block each: the conformance check plays them on 20-50 seeds.
      const write = strategy === 'one-block' || f.wrong[strategy] ? blockMove : fillDownMove;
      return (
        write(wb, lineBlock, values) ??
        write(wb, totalBlock, values) ??
        submit('Every line has its rounded Net and Tax, and every invoice its Net, Tax and Gross, as formulas; submitting.')
      );
    };
    const lineRows: Value[][] = lines.map((l) => [l.invoice, l.item, l.cls, l.qty, l.price, l.discount, null, null]);
    return {
      instruction:
        `Sheet Lines (A1:H${n}: Invoice, Item, Class, Qty, Unit price, Discount, Net, Tax) holds invoice lines; sheet Tax (A1:B${k}: Class, Rate) the tax rate of each product class. ` +
        `Fill Lines!G2:G${n} with each line's Net = Qty × Unit price × (1 − Discount) and Lines!H2:H${n} with its Tax = Net × the Rate of its Class, each rounded to the cent with ROUND(…,2). ` +
        `Then on sheet Totals fill B2:D${j} (Net, Tax, Gross) for each invoice in A2:A${j}: Net and Tax are the sums of its rounded lines, Gross = Net + Tax. ` +
        'Use formulas, so the amounts follow when the lines or rates change. Change no other cell. Then submit.',
      sheets: [
        {
          name: 'Lines',
          rows: [['Invoice', 'Item', 'Class', 'Qty', 'Unit price', 'Discount', 'Net', 'Tax'], ...lineRows],
          formats: [
            { range: `E2:E${n}`, format: { numFmt: '#,##0.00' } },
            { range: `F2:F${n}`, format: { numFmt: '0%' } },
          ],
        },
        { name: 'Tax', rows: [['Class', 'Rate'], ...classes.map((c) => [c, rates.get(c)!])], formats: [{ range: `B2:B${k}`, format: { numFmt: '0%' } }] },
        { name: 'Totals', rows: [['Invoice', 'Net', 'Tax', 'Gross'], ...invoices.map((i) => [i, null, null, null])] },
      ],
      focus: 'Lines',
      expected,
      // All or nothing, so that a fill that drops a rule earns nothing for the lines it happens to get right.
      valueMode: 'all',
      formulas: {
        cells: [...lineCells, ...totalCells],
        inputs: [`Lines!A2:A${n}`, `Lines!C2:F${n}`, `Tax!A2:B${k}`, `Totals!A2:A${j}`],
        perturb: (wb, r) => perturbInvoices(wb, r, { n, k, j }),
      },
      expert,
      distractors: [
        call('read_range', { range: `Tax!A1:B${k}` }),
        call('set_formula', { cell: 'Lines!G2', formula: '=D2*E2' }),
        call('set_formula', { cell: 'Totals!B2', formula: `=SUM(Lines!G2:G${n})` }),
      ],
    };
  },
};

/** Every input the formulas read moves: quantities, prices, discounts, classes renamed and reassigned, new non-zero rates, invoices relabelled and reordered. */
function perturbInvoices(wb: Workbook, rng: Rng, { n, k, j }: { n: number; k: number; j: number }): void {
  bump(wb, rng, 'Lines', 'D', [2, n], 1, 5);
  bump(wb, rng, 'Lines', 'E', [2, n], 1, 40);
  const values: Record<string, Value> = {};
  for (let r = 2; r <= n; r++) values[`Lines!F${r}`] = rng.pick(DISCOUNTS.filter((d) => d !== num(get(wb, `Lines!F${r}`))));
  const renamed = new Map<Value, string>();
  for (let r = 2; r <= k; r++) {
    renamed.set(get(wb, `Tax!A${r}`), `${String(get(wb, `Tax!A${r}`))} B`);
    values[`Tax!A${r}`] = `${String(get(wb, `Tax!A${r}`))} B`;
    values[`Tax!B${r}`] = money(rng.int(3, 27));
  }
  const names = [...renamed.values()];
  for (let r = 2; r <= n; r++) values[`Lines!C${r}`] = rng.pick(names.filter((c) => c !== renamed.get(get(wb, `Lines!C${r}`))));
  const shift = rng.int(1, j - 2);
  const invoices = Array.from({ length: j - 1 }, (_, i) => get(wb, `Totals!A${i + 2}`));
  invoices.forEach((_, i) => (values[`Totals!A${i + 2}`] = invoices[(i + shift) % invoices.length]!));
  setValues(wb, values);
  relabel(wb, rng, 'Lines', 'A', [2, n]);
}

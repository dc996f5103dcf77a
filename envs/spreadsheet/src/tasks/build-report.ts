import type { ExpertStep } from '@workgym/protocol/kit';
import { cellKey } from '../engine/sheet.js';
import type { Value } from '../engine/values.js';
import { showValue } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { cellAt, derive, deriveFormulas, move, normalFormula, readIfUnseen, refDerivation, rowLine, rowLines, submit } from './expert-kit.js';
import { fillDownMove, type FormulaBlock } from './formula-block.js';
import { bump, call, get, num, PRODUCTS, relabel } from './helpers.js';
import { sheetComponents, type FamilyDef } from './task.js';

const HEADERS = ['Category', 'Total', 'Count', 'Max'];
const CATEGORIES = ['Books', 'Games', 'Music', 'Garden', 'Kitchen', 'Sports', 'Toys'];
/** The `fixed-categories` guess: the first three categories alphabetically, whatever the data holds. */
const FIXED = ['Books', 'Games', 'Music'];

/** Building a report sheet from raw data: a new sheet, per-category formulas, a grand total, bold headers. */
export const buildReport: FamilyDef = {
  name: 'build-report',
  difficulty: 'hard',
  description: 'Create a Report sheet with per-category total, count and maximum formulas, a grand total row and a bold header.',
  strategies: ['one-block', 'fill-down'],
  nearMisses: ['typed-values', 'wrong-sheet', 'header-only'],
  // Formulas before values before the labels and the bold header: the report's frame alone earns nothing.
  components: sheetComponents('formulas', 'values', 'labels', 'formats'),
  collateral: true,
  conditions: ['category'],
  guesses: ['fixed-categories'],
  generate(rng) {
    const categories = rng.sample(CATEGORIES, rng.int(3, 5)).sort();
    const n = rng.int(15, 25);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([categories[i % categories.length]!, `${rng.pick(PRODUCTS)} ${rng.int(1, 99)}`, rng.int(5, 500)]);
    const data = rng.shuffle(rows);
    const last = n + 1;
    const k = categories.length;
    const totalRow = k + 2;
    const amounts = `Data!$C$2:$C$${last}`;
    const labels = `Data!$A$2:$A$${last}`;
    const perRow = {
      B: (r: number) => `=SUMIFS(${amounts},${labels},A${r})`,
      C: (r: number) => `=COUNTIFS(${labels},A${r})`,
      D: (r: number) => `=MAXIFS(${amounts},${labels},A${r})`,
    };
    // relax:category: the same aggregates over every row, the category ignored.
    const overAll = { B: () => `=SUM(${amounts})`, C: () => `=COUNT(${amounts})`, D: () => `=MAX(${amounts})` };
    const grand = `=SUM(B2:B${k + 1})`;
    const cells = [...categories.flatMap((_, i) => ['B', 'C', 'D'].map((c) => `Report!${c}${i + 2}`)), `Report!B${totalRow}`];
    const expected = (wb: Workbook) => {
      const out: Record<string, Value> = { 'Report!A1': 'Category', 'Report!B1': 'Total', 'Report!C1': 'Count', 'Report!D1': 'Max' };
      let sum = 0;
      categories.forEach((cat, i) => {
        let total = 0;
        let count = 0;
        let max = 0;
        for (let r = 2; r <= last; r++) {
          if (get(wb, `Data!A${r}`) !== cat) continue;
          const v = num(get(wb, `Data!C${r}`));
          total += v;
          count += 1;
          max = Math.max(max, v);
        }
        sum += total;
        Object.assign(out, { [`Report!A${i + 2}`]: cat, [`Report!B${i + 2}`]: total, [`Report!C${i + 2}`]: count, [`Report!D${i + 2}`]: max });
      });
      out[`Report!A${totalRow}`] = 'Grand total';
      out[`Report!B${totalRow}`] = sum;
      return out;
    };
    const boldHeaders = (wb: Workbook, sheet: string) => [1, 2, 3, 4].filter((c) => wb.sheet(sheet)?.cells.get(cellKey(1, c))?.format?.bold).length;
    return {
      instruction:
        `Sheet Data (A1:C${last}: Category, Product, Amount) holds raw sales. Build a new sheet named Report: headers Category, Total, Count, Max in A1:D1 (bold); ` +
        `from row 2 one row per category in alphabetical order with formulas for the category's total Amount, number of rows and largest Amount; ` +
        `after the last category a row with "Grand total" in column A and, in column B, a formula for the sum of the category totals. Leave sheet Data as it is. Then submit.`,
      sheets: [{ name: 'Data', rows: [['Category', 'Product', 'Amount'], ...data] }],
      focus: 'Data',
      expected,
      // Every category's row must be right: a condition dropped on some rows earns nothing.
      valueMode: 'all',
      labels: ['A', 'B', 'C', 'D'].map((c) => `Report!${c}1`).concat([...categories, 'Grand total'].map((_, i) => `Report!A${i + 2}`)),
      formulas: {
        cells,
        inputs: [`Data!A2:A${last}`, `Data!C2:C${last}`],
        perturb: (wb, r) => {
          bump(wb, r, 'Data', 'C', [2, last], 1, 60);
          relabel(wb, r, 'Data', 'A', [2, last]);
        },
      },
      formats: (wb) => {
        const bold = boldHeaders(wb, 'Report');
        return { score: bold / 4, detail: `${bold} of 4 header cells are bold` };
      },
      expert(view) {
        const { wb, strategy } = view;
        const read = readIfUnseen(
          view,
          'Data',
          `A1:C${last}`,
          [`A1:C${last}`],
          `The categories come from the data; I have not seen all of Data yet, so I read A1:C${last}.`,
        );
        if (read) return read;
        const sheet = strategy === 'wrong-sheet' ? 'Summary' : 'Report';
        if (!wb.sheet(sheet)) return move('create_sheet', { name: sheet }, `There is no ${sheet} sheet yet; the task asks for a new sheet named ${sheet}.`);
        // The categories as the data shows them, sorted: the report's row labels.
        const dataLines = rowLines(wb, 'Data', 2, last, 3);
        const seen = [...new Set([...Array(n).keys()].map((i) => String(get(wb, `Data!A${i + 2}`))))].sort();
        const labelSources = [rowLine(wb, 'Data', 1, 3), ...dataLines];
        const want = strategy === 'wrong-sheet' ? {} : expected(wb);
        const block: FormulaBlock = {
          sheet,
          top: 2,
          bottom: k + 1,
          columns: [
            { col: 'B', label: 'Total', formula: perRow.B },
            { col: 'C', label: 'Count', formula: perRow.C },
            { col: 'D', label: 'Max', formula: perRow.D },
          ],
          sources: [rowLine(wb, 'Data', 1, 3), rowLine(wb, 'Data', last, 3), "the category's total Amount, number of rows and largest Amount"],
          how: `SUMIFS / COUNTIFS / MAXIFS of the Amounts (Data column C, rows 2-${last}) whose Category (Data column A) equals the label in column A of the report row`,
          rangeSources: ['from row 2 one row per category'],
        };
        const labels: Value[][] = [HEADERS, ...seen.map((c) => [c]), ['Grand total']];
        if (strategy === 'typed-values') return typedReport(wb, sheet, labels, expected(wb), k, totalRow) ?? boldOrSubmit(wb, sheet, boldHeaders);
        if (strategy === 'header-only') {
          if (!HEADERS.every((h, j) => sameContent(wb, `${sheet}!${'ABCD'[j]}1`, h)))
            return move('write_cells', { range: `${sheet}!A1:D1`, values: [HEADERS] }, 'Writing the report’s headers.');
          return boldOrSubmit(wb, sheet, boldHeaders);
        }
        if (strategy !== 'fill-down') {
          const cats = strategy === 'guess:fixed-categories' ? FIXED : seen;
          const f = strategy === 'relax:category' ? overAll : perRow;
          const values: (string | null)[][] = [
            HEADERS,
            ...cats.map((c, i) => [c, f.B(i + 2), f.C(i + 2), f.D(i + 2)]),
            ['Grand total', `=SUM(B2:B${cats.length + 1})`, null, null],
          ];
          const right = values.every((row, i) => row.every((v, j) => sameContent(wb, `${sheet}!${'ABCD'[j]}${i + 1}`, v)));
          if (!right) {
            return move(
              'write_cells',
              { range: `${sheet}!A1:D${values.length}`, values },
              `${sheet} does not hold the report yet; I write it in one block: the headers, one row per category in alphabetical order (${seen.join(', ')}) with SUMIFS, COUNTIFS and MAXIFS over Data, and the Grand total row.`,
              [
                refDerivation(sheet, `A1:D${totalRow}`, ['A1:D1', ...seen], 'a header row, one row per category, then the Grand total row'),
                ...deriveFormulas(values.slice(1, -1), block.sources, block.how),
                derive(grand, [...seen, 'the sum of the category totals'], 'the sum of the category totals in column B'),
              ],
            );
          }
          return boldOrSubmit(wb, sheet, boldHeaders);
        }
        // fill-down: labels first, then one row of formulas filled down, then the grand total.
        const labelsRight = labels.every((row, i) => row.every((v, j) => sameContent(wb, `${sheet}!${'ABCD'[j]}${i + 1}`, v)));
        if (!labelsRight) {
          return move(
            'write_cells',
            { range: `${sheet}!A1`, values: labels },
            `The report needs its headers, the categories in alphabetical order (${seen.join(', ')}) down column A, and the Grand total label after them.`,
            [refDerivation(sheet, 'A1', ['A1:D1'], 'the top-left cell of the report'), ...seen.map((c) => derive(c, labelSources, 'a Category of the data'))],
          );
        }
        const next = fillDownMove(wb, block, want);
        if (next) return next;
        if (!sameContent(wb, `${sheet}!B${totalRow}`, grand)) {
          return move(
            'set_formula',
            { cell: `${sheet}!B${totalRow}`, formula: grand },
            `The Grand total row needs the sum of the category totals B2:B${k + 1} in column B.`,
            [
              refDerivation(sheet, `B${totalRow}`, ['Grand total', ...seen], 'column B of the Grand total row, after the last category'),
              derive(grand, [...seen, 'the sum of the category totals'], 'the sum of the category totals in column B'),
            ],
          );
        }
        return boldOrSubmit(wb, sheet, boldHeaders);
      },
      distractors: [
        call('read_range', { range: `Data!A1:C${last}` }),
        // Bold, not a number format: the expert puts back what a candidate changed outside the
        // Report, and no grounded call could name the number format the data had.
        call('set_format', { range: `Data!C2:C${last}`, bold: true }),
        call('set_format', { range: 'Data!A1:C1', bold: true }),
      ],
    };
  },
};

/** Whether a cell holds `v`: the same formula (any spelling) or the same constant. */
function sameContent(wb: Workbook, ref: string, v: Value | undefined): boolean {
  const cell = cellAt(wb, ref);
  if (typeof v === 'string' && v.startsWith('=')) return normalFormula(cell?.formula) === normalFormula(v);
  return cell?.formula === undefined && showValue(cell?.value ?? null) === showValue(v ?? null);
}

function boldOrSubmit(wb: Workbook, sheet: string, boldHeaders: (wb: Workbook, sheet: string) => number): ExpertStep {
  if (boldHeaders(wb, sheet) < 4) {
    return move('set_format', { range: `${sheet}!A1:D1`, bold: true }, `The report's values are in place; the headers in A1:D1 should be bold.`, [
      refDerivation(sheet, 'A1:D1', ['A1:D1'], 'the header cells named in the task'),
    ]);
  }
  return submit(`${sheet} has bold headers, one row per category with its total, count and maximum as formulas over Data, and the Grand total; submitting.`);
}

/** The typed-values near-miss: the report with numbers where formulas were asked for. */
function typedReport(wb: Workbook, sheet: string, labels: Value[][], want: Record<string, Value>, k: number, totalRow: number): ExpertStep | undefined {
  const values = labels.map((row, i) =>
    i === 0
      ? row
      : i === totalRow - 1
        ? [row[0]!, want[`Report!B${totalRow}`]!, null, null]
        : [row[0]!, ...['B', 'C', 'D'].map((c) => want[`Report!${c}${i + 1}`]!)],
  );
  if (values.every((row, i) => row.every((v, j) => sameContent(wb, `${sheet}!${'ABCD'[j]}${i + 1}`, v)))) return undefined;
  return move('write_cells', { range: `${sheet}!A1:D${k + 2}`, values: values as (string | number | null)[][] }, 'Typing the report’s numbers.');
}

import type { Value } from '../engine/values.js';
import { bump, call, get, mixCandidates, num, PRODUCTS } from './helpers.js';
import type { FamilyDef } from './task.js';
import { cellKey } from '../engine/sheet.js';

/** Building a report sheet from raw data: a new sheet, per-category formulas, a grand total, bold headers. */
export const buildReport: FamilyDef = {
  name: 'build-report',
  difficulty: 'hard',
  description: 'Create a Report sheet with per-category total, count and maximum formulas, a grand total row and a bold header.',
  generate(rng) {
    const categories = rng.sample(['Books', 'Games', 'Music', 'Garden', 'Kitchen', 'Sports', 'Toys'], rng.int(3, 5)).sort();
    const n = rng.int(15, 25);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([categories[i % categories.length]!, `${rng.pick(PRODUCTS)} ${rng.int(1, 99)}`, rng.int(5, 500)]);
    const data = rng.shuffle(rows);
    const last = n + 1;
    const k = categories.length;
    const totalRow = k + 2;
    const perRow = (r: number) => [`=SUMIFS(Data!$C$2:$C$${last},Data!$A$2:$A$${last},A${r})`, `=COUNTIFS(Data!$A$2:$A$${last},A${r})`, `=MAXIFS(Data!$C$2:$C$${last},Data!$A$2:$A$${last},A${r})`];
    const cells = [...categories.flatMap((_, i) => ['B', 'C', 'D'].map((c) => `Report!${c}${i + 2}`)), `Report!B${totalRow}`];
    return {
      instruction:
        `Sheet Data (A1:C${last}: Category, Product, Amount) holds raw sales. Build a new sheet named Report: headers Category, Total, Count, Max in A1:D1 (bold); ` +
        `from row 2 one row per category in alphabetical order with formulas for the category's total Amount, number of rows and largest Amount; ` +
        `after the last category a row with "Grand total" in column A and, in column B, a formula for the sum of the category totals. Then submit.`,
      sheets: [{ name: 'Data', rows: [['Category', 'Product', 'Amount'], ...data] }],
      focus: 'Data',
      expected: (wb) => {
        const out: Record<string, Value> = { 'Report!A1': 'Category', 'Report!B1': 'Total', 'Report!C1': 'Count', 'Report!D1': 'Max' };
        let grand = 0;
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
          grand += total;
          Object.assign(out, { [`Report!A${i + 2}`]: cat, [`Report!B${i + 2}`]: total, [`Report!C${i + 2}`]: count, [`Report!D${i + 2}`]: max });
        });
        out[`Report!A${totalRow}`] = 'Grand total';
        out[`Report!B${totalRow}`] = grand;
        return out;
      },
      formulas: { cells, perturb: (wb, r) => bump(wb, r, 'Data', 'C', [2, last], 1, 60) },
      formats: (wb) => {
        const sheet = wb.sheet('Report');
        const bold = [1, 2, 3, 4].filter((c) => sheet?.cells.get(cellKey(1, c))?.format?.bold).length;
        return { score: bold / 4, detail: `${bold} of 4 header cells are bold` };
      },
      expert: [
        call('create_sheet', { name: 'Report' }),
        call('write_cells', {
          range: 'Report!A1',
          values: [['Category', 'Total', 'Count', 'Max'], ...categories.map((c, i) => [c, ...perRow(i + 2)]), ['Grand total', `=SUM(B2:B${k + 1})`, null, null]],
        }),
        call('set_format', { range: 'Report!A1:D1', bold: true }),
        call('submit'),
      ],
      candidates: mixCandidates(
        rng,
        [call('create_sheet', { name: 'Report' }), call('set_format', { range: 'Report!A1:D1', bold: true })],
        [call('create_sheet', { name: 'Summary' }), call('read_range', { range: `Data!A1:C${last}` }), call('sort', { range: `Data!A2:C${last}`, keys: [{ column: 'A' }] })],
      ),
    };
  },
};

import type { Value } from '../engine/values.js';
import { bump, call, get, mixCandidates, num } from './helpers.js';
import type { FamilyDef, PlannedCall } from './task.js';

const COLS = ['B', 'C', 'D', 'E'];

/** Fixing broken formulas: #REF! and wrong ranges in row and column totals. */
export const fixBrokenFormulas: FamilyDef = {
  name: 'fix-broken-formulas',
  difficulty: 'hard',
  description: 'Find and repair broken totals (#REF!, ranges that miss a row or a column) in a budget.',
  generate(rng) {
    const items = rng.sample(['Rent', 'Payroll', 'Travel', 'Software', 'Hardware', 'Marketing', 'Training', 'Legal', 'Utilities', 'Insurance'], rng.int(5, 8));
    const n = items.length;
    const lastItem = n + 1;
    const totalRow = n + 2;
    const rows: Value[][] = [['Item', 'Q1', 'Q2', 'Q3', 'Q4', 'Total']];
    items.forEach((item, i) => rows.push([item, ...COLS.map(() => rng.int(100, 5000)), `=SUM(B${i + 2}:E${i + 2})`]));
    rows.push(['Total', ...[...COLS, 'F'].map((c) => `=SUM(${c}2:${c}${lastItem})`)]);
    // Break one to three row totals and one or two column totals, each in its own way.
    const brokenRows = rng.sample([...Array(n).keys()].map((i) => i + 2), rng.int(1, 3));
    const fixes: PlannedCall[] = [];
    const broken: string[] = [];
    brokenRows.forEach((r, i) => {
      rows[r - 1]![5] = [`=SUM(B${r}:D${r})`, `=B${r}+C${r}+#REF!+E${r}`, `=SUM(C${r}:E${r})`][i % 3]!;
      fixes.push(call('set_formula', { cell: `Budget!F${r}`, formula: `=SUM(B${r}:E${r})` }));
      broken.push(`Budget!F${r}`);
    });
    const brokenCols = rng.sample(COLS, rng.int(1, 2));
    brokenCols.forEach((c, i) => {
      rows[totalRow - 1]![COLS.indexOf(c) + 1] = [`=SUM(${c}2:${c}${lastItem - 1})`, `=SUM(#REF!)`][i % 2]!;
      fixes.push(call('set_formula', { cell: `Budget!${c}${totalRow}`, formula: `=SUM(${c}2:${c}${lastItem})` }));
      broken.push(`Budget!${c}${totalRow}`);
    });
    return {
      instruction:
        `Sheet Budget has items in rows 2-${lastItem}, quarters Q1-Q4 in columns B-E, a Total column F (each row's Q1+Q2+Q3+Q4) and a Total row ${totalRow} ` +
        `(each column's sum over rows 2-${lastItem}). Some of these formulas are broken (#REF! errors or ranges that miss cells). Find and fix them with formulas. Then submit.`,
      sheets: [{ name: 'Budget', rows }],
      focus: 'Budget',
      expected: (wb) => {
        const out: Record<string, Value> = {};
        for (const ref of broken) {
          const m = /!([A-F])(\d+)$/.exec(ref)!;
          const [col, row] = [m[1]!, Number(m[2])];
          let sum = 0;
          if (col === 'F') for (const c of COLS) sum += num(get(wb, `Budget!${c}${row}`));
          else for (let r = 2; r <= lastItem; r++) sum += num(get(wb, `Budget!${col}${r}`));
          out[ref] = sum;
        }
        return out;
      },
      formulas: {
        cells: broken,
        perturb: (wb, r) => {
          for (const c of COLS) bump(wb, r, 'Budget', c, [2, lastItem], 1, 99);
        },
      },
      expert: [...fixes, call('submit')],
      candidates: mixCandidates(rng, fixes, [call('read_range', { range: `Budget!A1:F${totalRow}` }), call('set_formula', { cell: `Budget!F2`, formula: '=B2+C2' }), call('delete_rows', { sheet: 'Budget', row: totalRow })]),
    };
  },
};

import type { Value } from '../engine/values.js';
import { sameValue, showValue } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { cellAt, derive, move, normalFormula, readIfUnseen, refDerivation, rowLine, submit } from './expert-kit.js';
import { bump, call, get, num } from './helpers.js';
import { sheetComponents, type FamilyDef } from './task.js';

const COLS = ['B', 'C', 'D', 'E'];

/** A total cell: a row's Q1..Q4 (column F), or a column's item rows (the Total row). */
interface Total {
  ref: string;
  /** The cells its formula adds (the grand total adds the row totals). */
  parts: string[];
  /** The quarter cells it adds up to, directly or through the row totals. */
  quarters: string[];
  range: string;
  kind: 'row' | 'column';
}

/**
 * The totals a strategy repairs: the broken ones for constant formulas, the row totals or the
 * Total row alone for the guesses, every total otherwise.
 */
function totalsFor(strategy: string, totals: readonly Total[], broken: readonly string[]): readonly Total[] {
  if (strategy === 'constant-formulas') return totals.filter((t) => broken.includes(t.ref));
  if (strategy === 'guess:row-totals-only') return totals.filter((t) => t.kind === 'row');
  if (strategy === 'guess:total-row-only') return totals.filter((t) => t.kind === 'column');
  return totals;
}

/** Fixing broken formulas: #REF! and wrong ranges in row and column totals. */
export const fixBrokenFormulas: FamilyDef = {
  name: 'fix-broken-formulas',
  difficulty: 'hard',
  description: 'Find and repair broken totals (#REF!, ranges that miss a row or a column) in a budget.',
  strategies: ['sum-ranges', 'plus-chain'],
  nearMisses: ['constant-formulas'],
  components: sheetComponents('formulas', 'values'),
  collateral: true,
  guesses: ['row-totals-only', 'total-row-only'],
  generate(rng) {
    const items = rng.sample(['Rent', 'Payroll', 'Travel', 'Software', 'Hardware', 'Marketing', 'Training', 'Legal', 'Utilities', 'Insurance'], rng.int(5, 8));
    const n = items.length;
    const lastItem = n + 1;
    const totalRow = n + 2;
    const rows: Value[][] = [['Item', 'Q1', 'Q2', 'Q3', 'Q4', 'Total']];
    items.forEach((item, i) => rows.push([item, ...COLS.map(() => rng.int(100, 5000)), `=SUM(B${i + 2}:E${i + 2})`]));
    rows.push(['Total', ...[...COLS, 'F'].map((c) => `=SUM(${c}2:${c}${lastItem})`)]);
    // Break one to three row totals and one or two column totals, each in its own way.
    const brokenRows = rng.sample(
      [...Array(n).keys()].map((i) => i + 2),
      rng.int(1, 3),
    );
    const broken: string[] = [];
    brokenRows.forEach((r, i) => {
      rows[r - 1]![5] = [`=SUM(B${r}:D${r})`, `=B${r}+C${r}+#REF!+E${r}`, `=SUM(C${r}:E${r})`][i % 3]!;
      broken.push(`Budget!F${r}`);
    });
    const brokenCols = rng.sample(COLS, rng.int(1, 2));
    brokenCols.forEach((c, i) => {
      rows[totalRow - 1]![COLS.indexOf(c) + 1] = [`=SUM(${c}2:${c}${lastItem - 1})`, `=SUM(#REF!)`][i % 2]!;
      broken.push(`Budget!${c}${totalRow}`);
    });
    // Every total cell: a row's Q1..Q4, or a column's item rows.
    const totals: Total[] = [
      ...items.map((_, i) => {
        const parts = COLS.map((c) => `${c}${i + 2}`);
        return { ref: `Budget!F${i + 2}`, parts, quarters: parts, range: `B${i + 2}:E${i + 2}`, kind: 'row' as const };
      }),
      ...[...COLS, 'F'].map((c) => ({
        ref: `Budget!${c}${totalRow}`,
        parts: items.map((_, i) => `${c}${i + 2}`),
        quarters: items.flatMap((_, i) => (c === 'F' ? COLS : [c]).map((q) => `${q}${i + 2}`)),
        range: `${c}2:${c}${lastItem}`,
        kind: 'column' as const,
      })),
    ];
    const sum = (wb: Workbook, parts: string[]) => parts.reduce((s, p) => s + num(get(wb, `Budget!${p}`)), 0);
    return {
      instruction:
        `Sheet Budget has items in rows 2-${lastItem}, quarters Q1-Q4 in columns B-E, a Total column F (each row's Q1+Q2+Q3+Q4) and a Total row ${totalRow} ` +
        `(each column's sum over rows 2-${lastItem}). Some of these formulas are broken (#REF! errors or ranges that miss cells). Find and fix them with formulas, changing no other cell. Then submit.`,
      sheets: [{ name: 'Budget', rows }],
      focus: 'Budget',
      // Every total, so that one broken while fixing the others is wrong; only the broken ones
      // must hold new formulas (the others are right from the start and earn nothing).
      expected: (wb) => Object.fromEntries(totals.map((t) => [t.ref, sum(wb, t.quarters)])),
      writes: [`Budget!F2:F${lastItem}`, `Budget!B${totalRow}:F${totalRow}`],
      formulas: {
        cells: broken,
        inputs: [`Budget!B2:E${lastItem}`],
        perturb: (wb, r) => {
          for (const c of COLS) bump(wb, r, 'Budget', c, [2, lastItem], 1, 99);
        },
      },
      expert(view) {
        const { wb, strategy } = view;
        const read = readIfUnseen(
          view,
          'Budget',
          `A1:F${totalRow}`,
          [`Total row ${totalRow}`, 'Total column F'],
          'I need to see the budget’s totals and their formulas; reading the sheet.',
        );
        if (read) return read;
        const formulaFor = (t: Total) =>
          strategy === 'constant-formulas' ? `=${showValue(sum(wb, t.parts))}` : strategy === 'plus-chain' ? `=${t.parts.join('+')}` : `=SUM(${t.range})`;
        const accepted = (t: Total) => [`=${t.parts.join('+')}`, `=SUM(${t.range})`].map(normalFormula);
        for (const t of totalsFor(strategy, totals, broken)) {
          const cell = cellAt(wb, t.ref);
          const right =
            strategy === 'constant-formulas'
              ? normalFormula(cell?.formula) === normalFormula(formulaFor(t))
              : cell?.formula !== undefined && accepted(t).includes(normalFormula(cell.formula)) && sameValue(cell.value, sum(wb, t.parts));
          if (right) continue;
          const a1 = t.ref.split('!')[1]!;
          const row = Number(/\d+$/.exec(a1)![0]);
          const formula = formulaFor(t);
          const shownAs = cell?.formula !== undefined ? `=${cell.formula} (${showValue(cell.value)})` : JSON.stringify(showValue(cell?.value ?? null));
          return move(
            'set_formula',
            { cell: t.ref, formula },
            `${a1} shows ${shownAs}, but a total must add ${t.range} (${t.parts.length} cells); replacing it with ${formula}.`,
            [
              refDerivation('Budget', a1, [rowLine(wb, 'Budget', row, 6)], 'a total cell whose formula misses cells or reads #REF!'),
              derive(formula, [rowLine(wb, 'Budget', 1, 6), `rows 2-${lastItem}`, 'Q1+Q2+Q3+Q4'], `the sum of ${t.range}`),
            ],
          );
        }
        return submit(`Every row total adds Q1-Q4 and every column total adds rows 2-${lastItem}, as formulas; submitting.`);
      },
      distractors: [
        call('read_range', { range: `Budget!A1:F${totalRow}` }),
        call('set_formula', { cell: 'Budget!F2', formula: '=B2+C2' }),
        call('set_format', { range: `Budget!A${totalRow}:F${totalRow}`, bold: true }),
      ],
    };
  },
};

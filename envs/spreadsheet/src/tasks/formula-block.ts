import type { ExpertStep } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import { sameValue, showValue } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { at, cellAt, derive, move, normalFormula, refDerivation } from './expert-kit.js';

/** One target column of a block: its letter and the formula each row should hold. */
export interface BlockColumn {
  /** The column's letter ("E"). */
  col: string;
  /** What the column holds, for rationales ("Net", "Total amount"). */
  label: string;
  /** The formula row `row` should hold ("=B2*C2" for row 2): relative references, so a fill-down gives every row its own. */
  formula(row: number): string;
  /** Other spellings that are just as right (another strategy's formula); `$` and case never matter. */
  alternatives?: (row: number) => string[];
}

/**
 * Target rows top..bottom of some columns on one sheet, each cell a formula: what the
 * fill-down and block moves (and `formulaColumnExpert`) write, and where the expert's formulas
 * come from for the grounding rule.
 */
export interface FormulaBlock {
  /** The sheet the target cells are on. */
  sheet: string;
  /** The first target row (usually 2, under the header). */
  top: number;
  /** The last target row. */
  bottom: number;
  /** The target columns, left to right and adjacent (a block strategy writes them as one range). */
  columns: BlockColumn[];
  /** Shown text the formulas are derived from (headers, the instruction's wording). */
  sources: string[];
  /** How a formula is derived from them. */
  how: string;
  /** Shown text naming the target cells (e.g. the instruction's "E2:E15"). */
  rangeSources: string[];
}

/** Whether `ref` holds the block's formula for its row (any accepted spelling) and shows `expected`. */
export function cellRight(wb: Workbook, ref: string, column: BlockColumn, row: number, expected: Value | undefined): boolean {
  const cell = cellAt(wb, ref);
  if (cell?.formula === undefined) return false;
  const accepted = [column.formula(row), ...(column.alternatives?.(row) ?? [])].map(normalFormula);
  return accepted.includes(normalFormula(cell.formula)) && (expected === undefined || sameValue(cell.value, expected));
}

const describe = (wb: Workbook, ref: string) => {
  const cell = cellAt(wb, ref);
  if (!cell) return 'is empty';
  return cell.formula !== undefined ? `holds =${cell.formula} (${showValue(cell.value)})` : `holds ${JSON.stringify(showValue(cell.value))}`;
};

/**
 * Fill-down: per column, the formula goes in the first row, then is filled down over the rest.
 * Returns the next move, or undefined when every cell of the block is right.
 */
export function fillDownMove(wb: Workbook, block: FormulaBlock, expected: Record<string, Value>): ExpertStep | undefined {
  const { sheet, top, bottom } = block;
  for (const column of block.columns) {
    const first = at(sheet, `${column.col}${top}`);
    if (!cellRight(wb, first, column, top, expected[first])) {
      const formula = column.formula(top);
      return move('set_formula', { cell: first, formula }, `${column.label} for row ${top}: ${first} ${describe(wb, first)}; it should be ${formula}.`, [
        refDerivation(sheet, `${column.col}${top}`, block.rangeSources, `first row of the ${column.label} column`),
        derive(formula, block.sources, block.how),
      ]);
    }
    const wrong: number[] = [];
    for (let r = top + 1; r <= bottom; r++)
      if (!cellRight(wb, at(sheet, `${column.col}${r}`), column, r, expected[at(sheet, `${column.col}${r}`)])) wrong.push(r);
    if (wrong.length > 0 && bottom > top) {
      const target = `${column.col}${top + 1}:${column.col}${bottom}`;
      return move(
        'fill',
        { source: first, target: at(sheet, target) },
        `${first} holds the ${column.label} formula; rows ${wrong.slice(0, 4).join(', ')}${wrong.length > 4 ? ', …' : ''} below it do not yet, so I fill it down to ${column.col}${bottom} (its relative references follow each row).`,
        [refDerivation(sheet, target, block.rangeSources, `the ${column.label} cells below ${column.col}${top}`)],
      );
    }
  }
  return undefined;
}

/**
 * Block: every row's formulas written in one write_cells call (`formulaOf` picks the spelling).
 * Returns the move, or undefined when every cell of the block is right.
 */
export function blockMove(
  wb: Workbook,
  block: FormulaBlock,
  expected: Record<string, Value>,
  formulaOf = (c: BlockColumn, r: number) => c.formula(r),
): ExpertStep | undefined {
  const { sheet, top, bottom, columns } = block;
  const wrong: string[] = [];
  for (let r = top; r <= bottom; r++) {
    for (const c of columns) {
      const ref = at(sheet, `${c.col}${r}`);
      if (!cellRight(wb, ref, { ...c, formula: (row) => formulaOf(c, row) }, r, expected[ref])) wrong.push(`${c.col}${r}`);
    }
  }
  if (wrong.length === 0) return undefined;
  const values = [];
  for (let r = top; r <= bottom; r++) values.push(columns.map((c) => formulaOf(c, r)));
  const range = `${columns[0]!.col}${top}:${columns[columns.length - 1]!.col}${bottom}`;
  return move(
    'write_cells',
    { range: at(sheet, range), values },
    `${wrong.slice(0, 4).join(', ')}${wrong.length > 4 ? ` and ${wrong.length - 4} more` : ''} do not hold the ${columns.map((c) => c.label).join(' / ')} formulas yet; I write every row's formulas in one block (${range}).`,
    [refDerivation(sheet, range, block.rangeSources, 'the whole target block'), ...[...new Set(values.flat())].map((f) => derive(f, block.sources, block.how))],
  );
}

/**
 * Writes `values` (a row per block row, constants or "=..." formulas) over the block unless every
 * cell already holds them: typed-value strategies and near-misses. Returns undefined when they do.
 */
export function writeValuesMove(wb: Workbook, block: FormulaBlock, values: (string | number)[][], text: string): ExpertStep | undefined {
  const { sheet, top, columns } = block;
  const same = values.every((row, i) =>
    row.every((v, j) => {
      const cell = cellAt(wb, at(sheet, `${columns[j]!.col}${top + i}`));
      return typeof v === 'string' && v.startsWith('=')
        ? normalFormula(cell?.formula) === normalFormula(v)
        : cell?.formula === undefined && sameValue(cell?.value ?? null, v);
    }),
  );
  if (same) return undefined;
  const range = `${columns[0]!.col}${top}:${columns[columns.length - 1]!.col}${top + values.length - 1}`;
  return move('write_cells', { range: at(sheet, range), values }, text);
}

import type { Derived, ExpertStep } from '@workgym/protocol/kit';
import { columnName } from '../engine/a1.js';
import { dateToSerial, serialToDate, type Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { at, cellAt, derive, move, normalFormula, refDerivation } from './expert-kit.js';
import { get } from './helpers.js';

// What the bookkeeping families (bk-*) share: ledger dates as serial days, and the moves of a
// summary grid built from one formula (written at its top-left cell, filled over the grid).

/** Serial day of a calendar date (month 1-12). */
export const serialOf = (year: number, month: number, day: number) => dateToSerial(new Date(Date.UTC(year, month - 1, day)));

/** The year and month (1-12) of a serial day. */
export function yearMonth(serial: number): { year: number; month: number } {
  const d = serialToDate(serial);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 };
}

/** Days in a month (1-12) of a year. */
export const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A column letter by number (1 = A). */
export const col = (n: number) => columnName(n);

/** Whether a cell holds `formula` (any spelling of `$`, spaces and case) or a constant equal to `v`. */
export function holds(wb: Workbook, ref: string, v: Value): boolean {
  const cell = cellAt(wb, ref);
  if (typeof v === 'string' && v.startsWith('=')) return normalFormula(cell?.formula) === normalFormula(v);
  return cell?.formula === undefined && (cell?.value ?? null) === v;
}

/** A rectangle of one sheet whose every cell should hold `formula(row, col)`, the fill of its top-left formula. */
export interface FormulaGrid {
  sheet: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
  /** The formula of a cell, relative references moved as the fill handle moves them. */
  formula(row: number, col: number): string;
  /** What the grid holds, for rationales ("the monthly totals"). */
  label: string;
  /** Shown text the formula is derived from, and how. */
  sources: string[];
  how: string;
  /** Shown text naming the grid's cells. */
  rangeSources: string[];
}

const gridRange = (g: FormulaGrid) => `${col(g.left)}${g.top}:${col(g.right)}${g.bottom}`;

/** The cells of a grid that do not hold their formula yet. */
function wrongCells(wb: Workbook, g: FormulaGrid): string[] {
  const wrong: string[] = [];
  for (let r = g.top; r <= g.bottom; r++)
    for (let c = g.left; c <= g.right; c++) if (!holds(wb, at(g.sheet, `${col(c)}${r}`), g.formula(r, c))) wrong.push(`${col(c)}${r}`);
  return wrong;
}

/** The top-left formula, then one fill over the grid; undefined when every cell holds its formula. */
export function fillGridMove(wb: Workbook, g: FormulaGrid): ExpertStep | undefined {
  const corner = `${col(g.left)}${g.top}`;
  const formula = g.formula(g.top, g.left);
  if (!holds(wb, at(g.sheet, corner), formula)) {
    return move(
      'set_formula',
      { cell: at(g.sheet, corner), formula },
      `${g.label}: the first cell ${corner} should hold ${formula}; the rest is filled from it.`,
      [refDerivation(g.sheet, corner, g.rangeSources, `the top-left cell of ${g.label}`), derive(formula, g.sources, g.how)],
    );
  }
  const wrong = wrongCells(wb, g);
  if (wrong.length === 0) return undefined;
  return move(
    'fill',
    { source: at(g.sheet, corner), target: at(g.sheet, gridRange(g)) },
    `${corner} holds the formula of ${g.label}; ${wrong.slice(0, 3).join(', ')}${wrong.length > 3 ? ' and more' : ''} do not yet, so I fill it over ${gridRange(g)} (its relative references follow each cell).`,
    [refDerivation(g.sheet, gridRange(g), g.rangeSources, `the cells of ${g.label}`)],
  );
}

/** Every formula of the grid in one write_cells call; undefined when every cell holds its formula. */
export function writeGridMove(wb: Workbook, g: FormulaGrid): ExpertStep | undefined {
  const wrong = wrongCells(wb, g);
  if (wrong.length === 0) return undefined;
  const values: string[][] = [];
  for (let r = g.top; r <= g.bottom; r++) {
    const row: string[] = [];
    for (let c = g.left; c <= g.right; c++) row.push(g.formula(r, c));
    values.push(row);
  }
  const derived: Derived[] = [refDerivation(g.sheet, gridRange(g), g.rangeSources, `the cells of ${g.label}`)];
  for (const f of new Set(values.flat())) derived.push(derive(f, g.sources, g.how));
  return move(
    'write_cells',
    { range: at(g.sheet, gridRange(g)), values },
    `${wrong.slice(0, 3).join(', ')}${wrong.length > 3 ? ` and ${wrong.length - 3} more` : ''} do not hold ${g.label} yet; I write every formula of ${gridRange(g)} in one block.`,
    derived,
  );
}

/** A label the task names, written where it is missing. */
export function labelMove(wb: Workbook, sheet: string, cell: string, text: string, sources: readonly string[]): ExpertStep | undefined {
  if (get(wb, at(sheet, cell)) === text) return undefined;
  return move('write_cells', { range: at(sheet, cell), values: [[text]] }, `${cell} should carry the label "${text}" the task asks for.`, [
    refDerivation(sheet, cell, sources, `the cell the task names for "${text}"`),
  ]);
}

// What the workday experts share: reading a table of the workbook before using it, and writing
// a block of values there, with the shown values each computed one comes from.
import { at, derive, move, readIfUnseen, rowLine, type Workbook } from '@workgym/env-spreadsheet/apps';
import type { Derived, ExpertStep } from '@workgym/protocol/kit';
import type { WorkdayView } from './task.js';

/** A read of `sheet!range` while some of its rows were never shown (the first view shows 20 rows). */
export function readTable(view: WorkdayView, sheet: string, range: string, why: string): ExpertStep | undefined {
  return readIfUnseen(view.sheet, sheet, range, [range], why);
}

/** The lines of rows `top..bottom` as a read of the table shows them: what values read from it are derived from. */
export function tableLines(wb: Workbook, sheet: string, top: number, bottom: number, lastCol: number): string[] {
  return Array.from({ length: bottom - top + 1 }, (_, i) => rowLine(wb, sheet, top + i, lastCol));
}

/** Where a block goes: its top-left cell and the shown texts that place it there (a column the instruction names, a row's label). */
export interface Place {
  corner: string;
  from: string[];
}

/** write_cells of `values` at `place` on `sheet`, each value declared as derived from `sources`. */
export function writeBlock(sheet: string, place: Place, values: (string | number)[][], sources: string[], how: string, why: string): ExpertStep {
  const derived: Derived[] = [
    derive(at(sheet, place.corner), [sheet, ...place.from], 'the sheet and the cells the task and the grid name'),
    ...values.flat().map((v) => derive(v, sources, how)),
  ];
  return move('write_cells', { range: at(sheet, place.corner), values }, why, derived);
}

/** A value as the workbook shows a number with cents: 123.45 (never 123.4). */
export function cents(amount: number): string {
  return (amount / 100).toFixed(2);
}

/** Whole cents, never a multiple of ten, so the amount shows with two decimals wherever it is written. */
export function centsAmount(draw: (lo: number, hi: number) => number, lo: number, hi: number): number {
  const c = draw(lo, hi);
  return c % 10 === 0 ? c + draw(1, 9) : c;
}

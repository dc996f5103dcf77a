import { MAX_COLS } from './a1.js';
import type { Cell } from './values.js';

/** The key of a cell in its sheet's map: one number, so lookups cost no string building. */
export const cellKey = (row: number, col: number) => (row - 1) * MAX_COLS + (col - 1);
export const keyRow = (key: number) => Math.floor(key / MAX_COLS) + 1;
export const keyCol = (key: number) => (key % MAX_COLS) + 1;

/** Workbook-wide id of a cell: the sheet's number and the cell's key, in one float-safe number. */
export const SHEET_STRIDE = 2 ** 22;

/** One worksheet: a sparse map of cells. */
export class Sheet {
  readonly cells = new Map<number, Cell>();

  constructor(public name: string) {}

  get(row: number, col: number): Cell | undefined {
    return this.cells.get(cellKey(row, col));
  }

  /** Bottom-right corner of the used area (0, 0 when empty). */
  extent(): { rows: number; cols: number } {
    let rows = 0;
    let cols = 0;
    for (const key of this.cells.keys()) {
      rows = Math.max(rows, keyRow(key));
      cols = Math.max(cols, keyCol(key));
    }
    return { rows, cols };
  }

  clone(): Sheet {
    const copy = new Sheet(this.name);
    for (const [key, cell] of this.cells) copy.cells.set(key, { ...cell, format: cell.format ? { ...cell.format } : undefined });
    return copy;
  }
}

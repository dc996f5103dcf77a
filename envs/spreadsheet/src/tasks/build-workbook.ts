import { parseRange } from '../engine/a1.js';
import { cellKey } from '../engine/sheet.js';
import { Workbook } from '../engine/workbook.js';
import type { SheetInit } from './task.js';

/** The starting workbook of a task, recalculated. */
export function buildWorkbook(sheets: readonly SheetInit[]): Workbook {
  const wb = new Workbook();
  for (const init of sheets) {
    const sheet = wb.addSheet(init.name);
    init.rows.forEach((row, i) =>
      row.forEach((v, j) => {
        if (v === null || v === undefined) return;
        const cell = typeof v === 'string' && v.startsWith('=') ? { value: null, formula: v.slice(1) } : { value: v };
        sheet.cells.set(cellKey(i + 1, j + 1), cell);
      }),
    );
    for (const { range, format } of init.formats ?? []) {
      const r = parseRange(range);
      for (let row = r.top; row <= r.bottom; row++) {
        for (let col = r.left; col <= r.right; col++) {
          const key = cellKey(row, col);
          const cell = sheet.cells.get(key) ?? { value: null };
          sheet.cells.set(key, { ...cell, format: { ...cell.format, ...format } });
        }
      }
    }
  }
  wb.calc.rebuildNow();
  return wb;
}

import { cellName, columnName, quoteSheet, type RangeAddress } from './engine/a1.js';
import { keyCol, keyRow, type Sheet } from './engine/sheet.js';
import type { Cell } from './engine/values.js';
import { showValue } from './engine/values.js';
import type { Workbook } from './engine/workbook.js';

const MAX_CELL_CHARS = 40;

function clip(text: string): string {
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

/**
 * A cell as the model sees it: its value, and its formula with the value it gives; a value the
 * engine could not compute, kept from the file, says so ("=XLOOKUP(…) → 7 (cached; the engine
 * cannot compute XLOOKUP)").
 */
export function showCell(cell: Cell | undefined): string {
  if (!cell) return '';
  const value = clip(showValue(cell.value));
  if (cell.formula === undefined) return value;
  const cached = cell.cached !== undefined ? ` (cached; ${cell.cached})` : '';
  return `=${clip(cell.formula)} → ${value}${cached}`;
}

export function usedRange(sheet: Sheet): string {
  const { rows, cols } = sheet.extent();
  return rows === 0 ? 'empty' : `A1:${cellName(rows, cols)}`;
}

export function sheetList(wb: Workbook): string {
  return wb.sheets.map((s) => `${s.name} (${usedRange(s)})`).join(' | ');
}

/** A grid: a header of column letters, then one line per row, cells separated by " | ". */
export function renderGrid(sheet: Sheet, r: RangeAddress): string {
  const lines = [`${quoteSheet(sheet.name)}!${cellName(r.top, r.left)}:${cellName(r.bottom, r.right)}`];
  const cols: string[] = [];
  for (let c = r.left; c <= r.right; c++) cols.push(columnName(c));
  lines.push(`row | ${cols.join(' | ')}`);
  for (let row = r.top; row <= r.bottom; row++) {
    const cells: string[] = [];
    for (let c = r.left; c <= r.right; c++) cells.push(showCell(sheet.get(row, c)));
    lines.push(`${row} | ${cells.join(' | ')}`);
  }
  return lines.join('\n');
}

/** The visible window of a sheet: up to `rows` x `cols` cells from its top-left corner. */
export function renderView(sheet: Sheet, top: number, rows = 20, cols = 10): string {
  const extent = sheet.extent();
  if (extent.rows === 0) return `${quoteSheet(sheet.name)} is empty.`;
  const first = Math.max(1, Math.min(top, extent.rows - rows + 1));
  const range = { top: first, left: 1, bottom: Math.min(extent.rows, first + rows - 1), right: Math.min(extent.cols, cols) };
  const more = range.bottom < extent.rows || range.right < extent.cols || first > 1 ? ` (used range ${usedRange(sheet)}; read_range shows the rest)` : '';
  return `${renderGrid(sheet, range)}${more}`;
}

/** "Data!B2: 3 → =A2*2 → 6", one line per changed cell. */
export function renderDiff(wb: Workbook, previous: Map<number, Cell | undefined>, limit = 20): string {
  const lines: string[] = [];
  const ids = [...previous.keys()].sort((a, b) => a - b);
  for (const id of ids.slice(0, limit)) {
    const sheet = wb.byUid.get(Math.floor(id / 2 ** 22))!;
    const key = id % 2 ** 22;
    const before = previous.get(id);
    const after = sheet.cells.get(key);
    lines.push(`  ${quoteSheet(sheet.name)}!${cellName(keyRow(key), keyCol(key))}: ${showCell(before) || '(empty)'} → ${showCell(after) || '(empty)'}`);
  }
  if (ids.length > limit) lines.push(`  … and ${ids.length - limit} more cells`);
  return lines.join('\n');
}

import { ActionError } from '@workgym/protocol';

/** Limits of the workbooks the env keeps in memory (far below Excel's; see docs/envs/spreadsheet.md). */
export const MAX_ROWS = 10_000;
export const MAX_COLS = 256;

export interface CellAddress {
  row: number;
  col: number;
}

/** A rectangle on one sheet, 1-based and inclusive. `sheet` is undefined when the text named none. */
export interface RangeAddress {
  sheet?: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export function columnName(col: number): string {
  let name = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

export function columnNumber(name: string): number {
  let n = 0;
  for (const ch of name.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

export function cellName(row: number, col: number): string {
  return `${columnName(col)}${row}`;
}

/** Quotes a sheet name the way Excel writes it in references. */
export function quoteSheet(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) && !/^[A-Za-z]{1,3}\d+$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

export function rangeName(r: RangeAddress, withSheet = true): string {
  const a = cellName(r.top, r.left);
  const body = r.top === r.bottom && r.left === r.right ? a : `${a}:${cellName(r.bottom, r.right)}`;
  return withSheet && r.sheet !== undefined ? `${quoteSheet(r.sheet)}!${body}` : body;
}

const CELL = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/;
const COLUMN = /^\$?([A-Za-z]{1,3})$/;

/**
 * Parses `A1`, `B2:D9`, `Sheet 1!A1:B2`, `'My sheet'!C:C` (whole columns stop at MAX_ROWS).
 * Throws ActionError(bad_reference) with what was wrong.
 */
export function parseRange(text: string): RangeAddress {
  const trimmed = text.trim();
  let sheet: string | undefined;
  let body = trimmed;
  const bang = trimmed.lastIndexOf('!');
  if (bang >= 0) {
    const raw = trimmed.slice(0, bang);
    body = trimmed.slice(bang + 1);
    sheet = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1).replace(/''/g, "'") : raw;
    if (sheet.length === 0) throw new ActionError('bad_reference', `"${text}" has an empty sheet name before "!"`);
  }
  const parts = body.split(':');
  if (parts.length > 2 || parts.some((p) => p.length === 0)) {
    throw new ActionError('bad_reference', `"${text}" is not an A1 reference (examples: B2, A1:C10, Data!A1:D20, 'My sheet'!B:B)`);
  }
  const [first, second = parts[0]!] = parts as [string, string?];
  const a = CELL.exec(first);
  const b = CELL.exec(second);
  let range: RangeAddress;
  if (a && b) {
    range = { sheet, top: Number(a[2]), left: columnNumber(a[1]!), bottom: Number(b[2]), right: columnNumber(b[1]!) };
  } else {
    const ca = COLUMN.exec(first);
    const cb = COLUMN.exec(second);
    if (!ca || !cb || parts.length !== 2) {
      throw new ActionError('bad_reference', `"${text}" is not an A1 reference (examples: B2, A1:C10, Data!A1:D20, 'My sheet'!B:B)`);
    }
    range = { sheet, top: 1, left: columnNumber(ca[1]!), bottom: MAX_ROWS, right: columnNumber(cb[1]!) };
  }
  if (range.top > range.bottom) [range.top, range.bottom] = [range.bottom, range.top];
  if (range.left > range.right) [range.left, range.right] = [range.right, range.left];
  if (range.top < 1 || range.left < 1) throw new ActionError('bad_reference', `"${text}": rows and columns start at 1 (A1)`);
  if (range.bottom > MAX_ROWS || range.right > MAX_COLS) {
    throw new ActionError('too_large', `"${text}" reaches beyond ${cellName(MAX_ROWS, MAX_COLS)}, the largest cell this env keeps`);
  }
  return range;
}

/** Parses a single cell (`B2`, `Data!B2`). */
export function parseCell(text: string): RangeAddress {
  const range = parseRange(text);
  if (range.top !== range.bottom || range.left !== range.right) {
    throw new ActionError('bad_reference', `"${text}" is a range; give one cell such as B2`);
  }
  return range;
}

export function parseColumn(text: string): number {
  const m = COLUMN.exec(text.trim());
  if (!m) throw new ActionError('bad_reference', `"${text}" is not a column letter (examples: A, C, AB)`);
  const col = columnNumber(m[1]!);
  if (col > MAX_COLS) throw new ActionError('too_large', `column ${text} is beyond ${columnName(MAX_COLS)}`);
  return col;
}

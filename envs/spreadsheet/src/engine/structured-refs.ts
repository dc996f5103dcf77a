import { columnName, quoteSheet, type RangeAddress } from './a1.js';
import { mapOutsideStrings } from './formula-refs.js';
import type { Sheet } from './sheet.js';

/** A table (Excel ListObject) of a workbook: the range its structured references point into. */
export interface Table {
  name: string;
  sheet: Sheet;
  /** The whole table: header row, data rows and totals row. */
  range: RangeAddress;
  columns: string[];
  headerRows: number;
  totalsRows: number;
}

/** Where a formula sits: `[@Col]` reads its row, and a bare `[Col]` the table it sits in. */
export interface FormulaPosition {
  sheet: Sheet;
  row: number;
  col: number;
}

const NAME_BEFORE = /[A-Za-z_\\][A-Za-z0-9_.\\]*$/;

/**
 * The formula with its structured references (`Table1[Col]`, `Table1[@Col]`, `Table1[[#All],[Col]]`,
 * `Table1[[#This Row],[A]:[B]]`, `[@Col]` inside a table) written as absolute A1 ranges. A
 * reference naming no table or column of `tables` is left as written (the formula then cannot
 * be computed).
 */
export function resolveStructured(formula: string, at: FormulaPosition, tables: readonly Table[]): string {
  if (tables.length === 0) return formula;
  return mapOutsideStrings(formula, (code) => wholeTables(brackets(code, at, tables), tables));
}

/** Whether a formula still holds a `[` outside its strings: a structured or external reference the engine could not resolve. */
export function hasUnresolvedBrackets(formula: string): boolean {
  let found = false;
  mapOutsideStrings(formula, (code) => {
    found ||= code.includes('[');
    return code;
  });
  return found;
}

const TABLE_NAME = /(?<![A-Za-z0-9_.\\$!'\]])[A-Za-z_\\][A-Za-z0-9_.\\]*(?![A-Za-z0-9_.\\[(!])/g;

/** A table's name alone (`ROWS(Sales)`) is its data rows. */
function wholeTables(code: string, tables: readonly Table[]): string {
  return code.replace(TABLE_NAME, (name) => {
    const table = tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
    const range = table && specRange(table, '', 0);
    return range ? a1(table.sheet, range) : name;
  });
}

/** `Table[...]` and bare `[...]` specifiers written as ranges. */
function brackets(code: string, at: FormulaPosition, tables: readonly Table[]): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const open = code.indexOf('[', i);
    if (open < 0) break;
    const close = matchingBracket(code, open);
    if (close < 0) break;
    const name = NAME_BEFORE.exec(code.slice(i, open))?.[0] ?? '';
    const table = name ? tables.find((t) => t.name.toLowerCase() === name.toLowerCase()) : bareTable(code, open, at, tables);
    const range = table && specRange(table, code.slice(open + 1, close), at.row);
    out += range ? code.slice(i, open - name.length) + a1(table.sheet, range) : code.slice(i, close + 1);
    i = close + 1;
  }
  return out + code.slice(i);
}

/** The table a bare `[Col]` means: the one the formula sits in, unless the bracket follows a name or reference. */
function bareTable(code: string, open: number, at: FormulaPosition, tables: readonly Table[]): Table | undefined {
  if (open > 0 && /[\]'!A-Za-z0-9_.]/.test(code[open - 1]!)) return undefined;
  return tables.find((t) => t.sheet === at.sheet && at.row >= t.range.top && at.row <= t.range.bottom && at.col >= t.range.left && at.col <= t.range.right);
}

/** The index of the `]` closing the `[` at `open` (a `'` escapes the next character); -1 if none. */
function matchingBracket(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const ch = code[i];
    if (ch === "'") i += 1;
    else if (ch === '[') depth += 1;
    else if (ch === ']' && --depth === 0) return i;
  }
  return -1;
}

/** The items of a specifier body: `[#All],[Col]` or `[A]:[B]` or `Col`, with their separators. */
function items(body: string): { items: string[]; columnRange: boolean } | undefined {
  const trimmed = body.trim();
  if (!trimmed.startsWith('[')) return { items: trimmed === '' ? [] : [trimmed], columnRange: false };
  const out: string[] = [];
  let columnRange = false;
  let i = 0;
  while (i < trimmed.length) {
    if (trimmed[i] !== '[') return undefined;
    const close = matchingBracket(trimmed, i);
    if (close < 0) return undefined;
    out.push(trimmed.slice(i + 1, close));
    const rest = /^\s*([,:]?)\s*/.exec(trimmed.slice(close + 1))!;
    if (rest[1] === ':') columnRange = true;
    i = close + 1 + rest[0].length;
  }
  return { items: out, columnRange };
}

const unescape = (name: string) => name.replace(/'(.)/g, '$1').trim().toLowerCase();

/** The cells a specifier body selects in `table`, for a formula on row `row`; undefined if it selects none. */
function specRange(table: Table, body: string, row: number): RangeAddress | undefined {
  let text = body.trim();
  let thisRow = false;
  if (text.startsWith('@')) {
    thisRow = true;
    text = text.slice(1);
  }
  const parsed = items(text);
  if (!parsed) return undefined;
  const specials = new Set<string>();
  const columns: string[] = [];
  for (const item of parsed.items) {
    const name = unescape(item);
    if (name.startsWith('#')) specials.add(name);
    else columns.push(name);
  }
  if (specials.delete('#this row')) thisRow = true;
  const rows = rowSpan(table, specials, thisRow ? row : undefined);
  const cols = columnSpan(table, columns, parsed.columnRange);
  if (!rows || !cols) return undefined;
  return { top: rows[0], bottom: rows[1], left: cols[0], right: cols[1] };
}

function rowSpan(table: Table, specials: Set<string>, thisRow: number | undefined): [number, number] | undefined {
  const { top, bottom } = table.range;
  const dataTop = top + table.headerRows;
  const dataBottom = bottom - table.totalsRows;
  if (thisRow !== undefined) return thisRow >= dataTop && thisRow <= dataBottom && specials.size === 0 ? [thisRow, thisRow] : undefined;
  if (specials.size === 0) specials.add('#data');
  const spans: [number, number][] = [];
  for (const special of specials) {
    if (special === '#all') spans.push([top, bottom]);
    else if (special === '#data') spans.push([dataTop, dataBottom]);
    else if (special === '#headers' && table.headerRows > 0) spans.push([top, dataTop - 1]);
    else if (special === '#totals' && table.totalsRows > 0) spans.push([dataBottom + 1, bottom]);
    else return undefined;
  }
  const first = Math.min(...spans.map((s) => s[0]));
  const last = Math.max(...spans.map((s) => s[1]));
  return first <= last ? [first, last] : undefined;
}

function columnSpan(table: Table, columns: string[], range: boolean): [number, number] | undefined {
  if (columns.length === 0) return [table.range.left, table.range.right];
  const names = table.columns.map((c) => c.trim().toLowerCase());
  const index = columns.map((c) => names.indexOf(c));
  if (index.some((i) => i < 0) || (columns.length > 1 && !range) || columns.length > 2) return undefined;
  const cols = index.map((i) => table.range.left + i);
  return [Math.min(...cols), Math.max(...cols)];
}

function a1(sheet: Sheet, r: RangeAddress): string {
  const corner = (row: number, col: number) => `$${columnName(col)}$${row}`;
  const body = r.top === r.bottom && r.left === r.right ? corner(r.top, r.left) : `${corner(r.top, r.left)}:${corner(r.bottom, r.right)}`;
  return `${quoteSheet(sheet.name)}!${body}`;
}

import type ExcelJS from 'exceljs';
import { ActionError } from '@workgym/protocol';
import { cellName, MAX_COLS, MAX_ROWS, type RangeAddress } from './a1.js';
import { Meter } from './budget.js';
import { shiftFormula } from './formula-refs.js';
import { cellKey, keyCol, keyRow } from './sheet.js';
import type { Cell } from './values.js';
import { isError } from './values.js';
import { readParts, XlsxPartError, type PartCell, type PartName, type PartSheet } from './xlsx-reader.js';
import { Workbook } from './workbook.js';

export interface WriteXlsxOptions {
  /**
   * Store each formula's computed result next to it (default). Without results a reader has to
   * compute every formula itself: the LibreOffice agreement test writes files that way.
   */
  withResults?: boolean;
}

/** The workbook as .xlsx bytes that Excel and LibreOffice open. */
export async function writeXlsx(wb: Workbook, options: WriteXlsxOptions = {}): Promise<Buffer> {
  // ExcelJS loads with the first file written, not with the env (whose catalogue every CLI command reads).
  const { default: Excel } = await import('exceljs');
  const out = new Excel.Workbook();
  out.creator = 'workgym';
  // Ask spreadsheet apps to recompute on open rather than trust the stored results.
  out.calcProperties = { fullCalcOnLoad: true };
  for (const sheet of wb.sheets) {
    const ws = out.addWorksheet(sheet.name);
    for (const [key, cell] of sheet.cells) {
      const [row, col] = [keyRow(key), keyCol(key)];
      const target = ws.getCell(row, col);
      // The file carries no tables or names: they are written as the ranges they mean.
      const formula = cell.formula === undefined ? undefined : wb.calc.resolveReferences(cell.formula, { sheet, row, col });
      target.value = toExcel({ ...cell, formula }, options.withResults ?? true);
      if (cell.format?.numFmt) target.numFmt = cell.format.numFmt;
      if (cell.format?.bold) target.font = { bold: true };
      if (cell.format?.fill) target.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: `FF${cell.format.fill}` } };
    }
  }
  return Buffer.from(await out.xlsx.writeBuffer());
}

// Functions newer than Excel 2007 are stored with the "_xlfn." prefix; without it Excel and
// LibreOffice read them as unknown names (#NAME?). Found by the LibreOffice agreement test.
const FUTURE_FUNCTIONS = [
  'MAXIFS',
  'MINIFS',
  'IFS',
  'SWITCH',
  'TEXTJOIN',
  'CONCAT',
  'XLOOKUP',
  'XMATCH',
  'IFNA',
  'DAYS',
  'ISOWEEKNUM',
  'STDEV.S',
  'STDEV.P',
  'VAR.S',
  'VAR.P',
  'RANK.EQ',
  'RANK.AVG',
  'PERCENTILE.INC',
  'PERCENTILE.EXC',
  'QUARTILE.INC',
  'QUARTILE.EXC',
  'MODE.SNGL',
  'CEILING.MATH',
  'FLOOR.MATH',
  'NORM.DIST',
  'NORM.INV',
  'NORM.S.DIST',
  'NORM.S.INV',
  'UNIQUE',
  'FILTER',
  'SORT',
  'SEQUENCE',
];
const FUTURE = new RegExp(`(?<![A-Za-z0-9_.])(${FUTURE_FUNCTIONS.map((f) => f.replace('.', '\\.')).join('|')})(?=\\s*\\()`, 'gi');

/** A formula as .xlsx stores it (outside string literals, future functions get "_xlfn."). */
export function fileFormula(formula: string): string {
  return formula
    .split(/("(?:[^"]|"")*")/)
    .map((part) => (part.startsWith('"') ? part : part.replace(FUTURE, (name: string) => `_xlfn.${name.toUpperCase()}`)))
    .join('');
}

function toExcel(cell: Cell, withResults: boolean): ExcelJS.CellValue {
  if (cell.formula !== undefined) {
    const formula = fileFormula(cell.formula);
    if (!withResults) return { formula } as ExcelJS.CellFormulaValue;
    const v = cell.value;
    const result = isError(v) ? { error: v.error as unknown as ExcelJS.ErrorValue } : v === null ? undefined : v;
    return { formula, result } as ExcelJS.CellFormulaValue;
  }
  const v = cell.value;
  if (isError(v)) return { error: v.error as unknown as ExcelJS.ErrorValue };
  return v;
}

/**
 * Reads .xlsx bytes (see xlsx-reader.ts): values and formulas with the results the file stored,
 * exactly (0, FALSE, "", errors); a merged range's value in its top-left cell only; text stays
 * text ("00123"). With `recalc` (default) the engine then computes every formula, except those
 * it cannot (a function or reference form it lacks, array formulas): they keep the stored result,
 * marked `cached` (Workbook.cachedCells).
 */
export async function readXlsx(bytes: Buffer | Uint8Array, options: { recalc?: boolean } = {}): Promise<Workbook> {
  let parts: PartSheet[];
  let names: PartName[];
  try {
    ({ sheets: parts, names } = await readParts(bytes));
  } catch (error) {
    if (error instanceof XlsxPartError) throw new ActionError('bad_workbook', `not a readable .xlsx file: ${error.message}`);
    throw error;
  }
  const wb = new Workbook();
  for (const part of parts) {
    const sheet = wb.addSheet(part.name);
    const masters = new Map(part.cells.filter((c) => c.shared?.master).map((c) => [c.shared!.si, c]));
    const covered = coveredCells(part.merges);
    for (const c of part.cells) {
      if (c.row > MAX_ROWS || c.col > MAX_COLS) throw new ActionError('too_large', `${part.name}!${cellName(c.row, c.col)} is beyond the env's size cap`);
      const cell: Cell = { value: covered.has(cellKey(c.row, c.col)) ? null : c.value };
      const formula = c.shared && !c.shared.master ? sharedFormula(c, masters.get(c.shared.si)) : c.formula;
      if (formula !== undefined) cell.formula = formula.replace(/^=/, '').replace(/_xl(?:fn|ws)\./g, '');
      if (c.array) cell.array = true;
      if (c.format) cell.format = c.format;
      if (cell.value === null && cell.formula === undefined && !cell.format) continue;
      sheet.cells.set(cellKey(c.row, c.col), cell);
    }
    for (const table of part.tables) wb.tables.push({ ...table, sheet });
  }
  for (const n of names)
    wb.names.push({ name: n.name, scope: n.sheet === undefined ? undefined : wb.sheets[n.sheet], formula: n.formula.replace(/_xl(?:fn|ws)\./g, '') });
  // A file's formulas are recalculated without a limit (the caller chose the file), pausing so
  // other sessions of the server go on meanwhile.
  if (options.recalc ?? true) await wb.calc.rebuild(new Meter(), { fromFile: true });
  return wb;
}

/** A shared formula's text for a cell of its group: the master's, moved as a copy would be. */
function sharedFormula(c: PartCell, master: PartCell | undefined): string | undefined {
  if (!master?.formula) return undefined;
  return shiftFormula(master.formula, c.row - master.row, c.col - master.col);
}

/** The cells of merged ranges other than each range's top-left one: Excel shows them empty. */
function coveredCells(merges: readonly RangeAddress[]): Set<number> {
  const covered = new Set<number>();
  for (const m of merges) {
    for (let row = m.top; row <= Math.min(m.bottom, MAX_ROWS); row++) {
      for (let col = m.left; col <= Math.min(m.right, MAX_COLS); col++) if (row !== m.top || col !== m.left) covered.add(cellKey(row, col));
    }
  }
  return covered;
}

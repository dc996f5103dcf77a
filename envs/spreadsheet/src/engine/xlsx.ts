import ExcelJS from 'exceljs';
import { ActionError } from '@workgym/protocol';
import { cellName, MAX_COLS, MAX_ROWS, parseCell } from './a1.js';
import { Meter } from './budget.js';
import { shiftFormula } from './formula-refs.js';
import { cellKey } from './sheet.js';
import type { Cell, CellFormat, Value } from './values.js';
import { dateToSerial, isError } from './values.js';
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
  const out = new ExcelJS.Workbook();
  out.creator = 'workgym';
  // Ask spreadsheet apps to recompute on open rather than trust the stored results.
  out.calcProperties = { fullCalcOnLoad: true };
  for (const sheet of wb.sheets) {
    const ws = out.addWorksheet(sheet.name);
    for (const [key, cell] of sheet.cells) {
      const row = Math.floor(key / MAX_COLS) + 1;
      const col = (key % MAX_COLS) + 1;
      const target = ws.getCell(row, col);
      target.value = toExcel(cell, options.withResults ?? true);
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

/** Reads .xlsx bytes; formulas keep their stored result until the engine recalculates them. */
export async function readXlsx(bytes: Buffer | Uint8Array, options: { recalc?: boolean } = {}): Promise<Workbook> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (error) {
    throw new ActionError('bad_workbook', `not a readable .xlsx file: ${(error as Error).message}`);
  }
  const wb = new Workbook();
  for (const ws of book.worksheets) {
    const sheet = wb.addSheet(ws.name);
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      row.eachCell({ includeEmpty: false }, (c, col) => {
        if (r > MAX_ROWS || col > MAX_COLS) throw new ActionError('too_large', `${ws.name}!${cellName(r, col)} is beyond the env's size cap`);
        const cell = fromExcel(c, ws);
        if (cell) sheet.cells.set(cellKey(r, col), cell);
      });
    });
  }
  // A file's formulas are recalculated without a limit (the caller chose the file), pausing so
  // other sessions of the server go on meanwhile.
  if (options.recalc ?? true) await wb.calc.rebuild(new Meter());
  return wb;
}

function fromExcel(c: ExcelJS.Cell, ws: ExcelJS.Worksheet): Cell | undefined {
  const format = readFormat(c);
  const raw = c.value as unknown;
  let value: Value = null;
  let formula: string | undefined;
  if (raw !== null && typeof raw === 'object' && !(raw instanceof Date)) {
    const o = raw as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) {
      formula = typeof o.formula === 'string' ? o.formula : sharedFormula(c, ws, o.sharedFormula as string);
      value = scalar(o.result);
    } else if ('richText' in o) {
      value = (o.richText as { text: string }[]).map((t) => t.text).join('');
    } else if ('error' in o) {
      value = { error: String(o.error) };
    } else if ('text' in o) {
      value = String(o.text);
    }
  } else {
    value = scalar(raw);
  }
  if (formula !== undefined) formula = formula.replace(/^=/, '').replace(/_xlfn\./g, '');
  if (value === null && formula === undefined && !format) return undefined;
  return { value, formula, format };
}

function sharedFormula(c: ExcelJS.Cell, ws: ExcelJS.Worksheet, master: string): string | undefined {
  const own = (c as unknown as { formula?: string }).formula;
  if (own) return own;
  const m = parseCell(master);
  const masterFormula = (ws.getCell(m.top, m.left).value as { formula?: string } | null)?.formula;
  if (!masterFormula) return undefined;
  return shiftFormula(masterFormula, Number(c.row) - m.top, Number(c.col) - m.left);
}

function scalar(raw: unknown): Value {
  if (raw === undefined || raw === null) return null;
  if (raw instanceof Date) return dateToSerial(raw);
  if (typeof raw === 'number' || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'object' && 'error' in raw) return { error: String((raw as { error: unknown }).error) };
  return null;
}

function readFormat(c: ExcelJS.Cell): CellFormat | undefined {
  const format: CellFormat = {};
  if (c.numFmt && c.numFmt !== 'General') format.numFmt = c.numFmt;
  if (c.font?.bold) format.bold = true;
  const fill = c.fill as ExcelJS.FillPattern | undefined;
  if (fill?.type === 'pattern' && fill.pattern === 'solid' && fill.fgColor?.argb) format.fill = fill.fgColor.argb.slice(-6).toUpperCase();
  return Object.keys(format).length > 0 ? format : undefined;
}

/** An Excel error value such as #REF! or #DIV/0!. */
export interface ErrorValue {
  error: string;
}

export type Value = number | string | boolean | null | ErrorValue;

export interface CellFormat {
  /** Excel number format code, e.g. "0.00" or "yyyy-mm-dd". */
  numFmt?: string;
  bold?: boolean;
  /** Solid fill colour as RRGGBB (upper case). */
  fill?: string;
}

export interface Cell {
  /** The value shown: a constant, or the formula's last computed result. */
  value: Value;
  /** The formula without its leading "=". */
  formula?: string;
  format?: CellFormat;
  /**
   * Set when `value` is the result the workbook file stored, kept because the engine cannot
   * compute the formula (a function or reference form it lacks, an array formula): why not.
   */
  cached?: string;
  /** An array (Ctrl+Shift+Enter) formula read from a file. */
  array?: boolean;
}

/** Characters an Excel cell holds at most. */
export const MAX_TEXT_CHARS = 32_767;

export const isError = (v: Value): v is ErrorValue => typeof v === 'object' && v !== null;

/** A value as a cell would show it (errors as their code). */
export function showValue(v: Value): string {
  if (v === null) return '';
  if (isError(v)) return v.error;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return v;
}

/** Whether two values agree: numbers within a relative/absolute tolerance, text exactly, empty = "". */
export function sameValue(a: Value, b: Value, tolerance = 1e-6): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
  if (isError(a) || isError(b)) return isError(a) && isError(b) && a.error === b.error;
  const norm = (v: Value) => (v === null ? '' : v);
  return norm(a) === norm(b);
}

// Excel's serial day 0 is 1899-12-30 for every date after February 1900.
const EPOCH_MS = Date.UTC(1899, 11, 30);

export function dateToSerial(date: Date): number {
  return (date.getTime() - EPOCH_MS) / 86_400_000;
}

export function serialToDate(serial: number): Date {
  return new Date(EPOCH_MS + Math.round(serial * 86_400_000));
}

/** yyyy-mm-dd of a serial day. */
export function isoDate(serial: number): string {
  return serialToDate(serial).toISOString().slice(0, 10);
}

import { cellName } from '../engine/a1.js';
import { keyCol, keyRow, type Sheet } from '../engine/sheet.js';
import { isError, showValue, type Cell } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import type { AnswerRange } from './answer-position.js';

/**
 * SpreadsheetBench's comparison of two cells (evaluation/evaluation.py, compare_cell_value), on
 * the values openpyxl would read from the files: numbers (and booleans, which Python counts as
 * numbers) and number-like text rounded to 2 decimals, dates (date-formatted numbers of a day or
 * more) rounded to the day, times (date-formatted numbers under a day) as "HH:MM", errors as
 * their text; empty text equals an empty cell; values of different kinds never match.
 */
export function sameAsBenchmark(got: Cell | undefined, want: Cell | undefined): boolean {
  const a = benchmarkValue(got);
  const b = benchmarkValue(want);
  if ((a === '' || a === null) && (b === '' || b === null)) return true;
  if (a === null || b === null || typeof a !== typeof b) return false;
  if (typeof a === 'object' && typeof b === 'object') return a.ms === b.ms;
  return a === b;
}

type BenchmarkValue = number | string | null | { ms: number };

const DAY_MS = 86_400_000;

function benchmarkValue(cell: Cell | undefined): BenchmarkValue {
  const v = cell?.value ?? null;
  if (v === null) return null;
  if (isError(v)) return v.error;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = pythonFloat(v);
    return n === undefined ? v : pythonRound(n, 2);
  }
  const fmt = cell?.format?.numFmt;
  if (isTimedeltaFormat(fmt)) return { ms: Math.round(v * DAY_MS) };
  if (!isDateFormat(fmt)) return pythonRound(v, 2);
  const ms = Math.round((v - Math.floor(v)) * DAY_MS);
  if (v >= 0 && v < 1 && ms < DAY_MS) return clock(ms);
  // openpyxl's datetime for serials under 60 is a day later (Excel's 1900 leap day).
  return pythonRound(Math.floor(v) + (v > 0 && v < 60 ? 1 : 0) + Math.floor(ms / 1000) / 86_400, 0);
}

/** str(datetime.time)[:-3]: "HH:MM" for whole seconds, "HH:MM:SS.mmm" otherwise. */
function clock(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const s = Math.floor(ms / 1000);
  const hm = `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}`;
  return ms % 1000 === 0 ? hm : `${hm}:${pad(s % 60)}.${pad(ms % 1000, 3)}`;
}

const PY_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/** Python's float(text), or undefined where it raises ValueError. */
export function pythonFloat(text: string): number | undefined {
  const t = text.trim();
  if (PY_FLOAT.test(t)) return Number(t.replace(/_/g, ''));
  if (PY_SPECIAL.test(t)) return /nan/i.test(t) ? NaN : t.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

/**
 * Python's round(x, digits) for 0 or 2 digits: half to even where x is exactly halfway in
 * binary (x·100 ends in .5 only for multiples of 1/8; x ends in .5 only for halves).
 */
export function pythonRound(x: number, digits: 0 | 2): number {
  if (!Number.isFinite(x)) return x;
  const scale = digits === 2 ? 100 : 1;
  const exactTie = digits === 2 ? Number.isInteger(x * 8) && !Number.isInteger(x * 4) : Number.isInteger(x * 2) && !Number.isInteger(x);
  if (exactTie) {
    const low = Math.floor(x * scale);
    return (low % 2 === 0 ? low : low + 1) / scale;
  }
  return Number(x.toFixed(digits));
}

// openpyxl's is_date_format and is_timedelta_format (styles/numbers.py), on the first section.
const STRIP = /".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]/g;
const TIMEDELTA = /\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?/i;

function isDateFormat(fmt: string | undefined): boolean {
  return fmt !== undefined && /[^\\][dmhysDMHYS]/.test(fmt.split(';')[0]!.replace(STRIP, ''));
}

function isTimedeltaFormat(fmt: string | undefined): boolean {
  return fmt !== undefined && TIMEDELTA.test(fmt.split(';')[0]!);
}

/** A cell of the answer position that does not hold what the answer file holds. */
export interface Mismatch {
  where: string;
  got: string;
  want: string;
}

/**
 * Compares the answer position of `got` with `want` cell by cell, as the benchmark does, without
 * materialising the ranges: only cells present in either workbook can differ (empty equals
 * missing), so a whole column or a range beyond the env's size cap costs what the sheets hold.
 * Unqualified ranges are on the answer workbook's first sheet. Mismatches come in sheet, row,
 * column order.
 */
export function compareAnswer(got: Workbook, want: Workbook, ranges: readonly AnswerRange[]): Mismatch[] {
  const wrong: Mismatch[] = [];
  for (const r of ranges) {
    const sheetName = r.sheet ?? want.sheets[0]?.name ?? '';
    const mine = got.sheet(sheetName);
    const theirs = want.sheet(sheetName);
    if (!mine || !theirs) {
      wrong.push({ where: `${sheetName}!`, got: mine ? 'a sheet' : 'no such sheet', want: theirs ? 'a sheet' : 'no such sheet' });
      continue;
    }
    const keys = [...new Set([...inRange(mine, r), ...inRange(theirs, r)])].sort((x, y) => keyRow(x) - keyRow(y) || keyCol(x) - keyCol(y));
    for (const key of keys) {
      const a = mine.cells.get(key);
      const b = theirs.cells.get(key);
      if (!sameAsBenchmark(a, b)) {
        wrong.push({ where: `${sheetName}!${cellName(keyRow(key), keyCol(key))}`, got: showValue(a?.value ?? null), want: showValue(b?.value ?? null) });
      }
    }
  }
  return wrong;
}

function* inRange(sheet: Sheet, r: AnswerRange): Iterable<number> {
  for (const key of sheet.cells.keys()) {
    const row = keyRow(key);
    const col = keyCol(key);
    if (row >= r.top && row <= r.bottom && col >= r.left && col <= r.right) yield key;
  }
}

import { cellName, parseRange } from '../engine/a1.js';
import { cellKey } from '../engine/sheet.js';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import type { Rng } from '@workgym/protocol';
import type { PlannedCall } from '@workgym/protocol/kit';

/** First names for generated people (reps, customers): draw with `rng.pick(FIRST)`. */
export const FIRST = [
  'Alice',
  'Bruno',
  'Chloe',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Nils',
  'Olga',
  'Pablo',
  'Quinn',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Yara',
  'Zane',
];
/** Last names for generated people. */
export const LAST = [
  'Smith',
  'Garcia',
  'Chen',
  'Novak',
  'Okafor',
  'Rossi',
  'Silva',
  'Meyer',
  'Kowalski',
  'Haddad',
  'Larsen',
  'Moreau',
  'Tanaka',
  'Weber',
  'Ivanova',
  'Brown',
];
/** Region labels for grouped data (a summary per region). */
export const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
/** Product names for orders, items and stock tables. */
export const PRODUCTS = ['Widget', 'Gadget', 'Sprocket', 'Gizmo', 'Doohickey', 'Bracket', 'Flange', 'Valve'];

/** A planned tool call, for `distractors`: `call('read_range', { range: 'Items!A1:E9' })`. */
export const call = (name: string, args: Record<string, unknown> = {}): PlannedCall => ({ name, arguments: args });

/** The value of a cell named "Sheet!B2" (null when the sheet or the cell is missing): how `expected` and experts read a workbook. */
export function get(wb: Workbook, ref: string): Value {
  const r = parseRange(ref);
  const sheet = r.sheet === undefined ? undefined : wb.sheet(r.sheet);
  return sheet?.cells.get(cellKey(r.top, r.left))?.value ?? null;
}

/** A cell value as a number: numbers as they are, numeric text parsed, anything else 0. */
export const num = (v: Value): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : 0);

/**
 * Sets constant values ("Sheet!B2" to value, formats kept) in a trusted workbook and recalculates:
 * how `perturb` writes the inputs it changes.
 */
export function setValues(wb: Workbook, values: Record<string, Value>): void {
  wb.writeNow(
    Object.entries(values).map(([ref, value]) => {
      const r = parseRange(ref);
      const sheet = wb.requireSheet(r.sheet!);
      const old = sheet.get(r.top, r.left);
      return { sheet, row: r.top, col: r.left, cell: { value, format: old?.format } };
    }),
  );
}

/** The cells ("Sheet!B2") of a range ("Sheet!B2:C9"). */
export function cellsOf(range: string): string[] {
  const r = parseRange(range);
  const out: string[] = [];
  for (let row = r.top; row <= r.bottom; row++) for (let col = r.left; col <= r.right; col++) out.push(`${r.sheet}!${cellName(row, col)}`);
  return out;
}

/**
 * Adds a random whole amount in [lo, hi] to each cell of a column's rows (`bump(wb, rng, 'Items',
 * 'B', [2, 9])`), so every one of them moves: the usual `perturb` of a numeric input column.
 */
export function bump(wb: Workbook, rng: Rng, sheet: string, col: string, rows: [number, number], lo = 1, hi = 9): void {
  const values: Record<string, Value> = {};
  for (let r = rows[0]; r <= rows[1]; r++) values[`${sheet}!${col}${r}`] = num(get(wb, `${sheet}!${col}${r}`)) + rng.int(lo, hi);
  setValues(wb, values);
}

/**
 * Gives every row of a label column (e.g. a Region) another of the labels the column holds: the
 * `perturb` of a column that conditional formulas (SUMIFS, lookups) match on.
 */
export function relabel(wb: Workbook, rng: Rng, sheet: string, col: string, rows: [number, number]): void {
  const refs = [];
  for (let r = rows[0]; r <= rows[1]; r++) refs.push(`${sheet}!${col}${r}`);
  const labels = [...new Set(refs.map((ref) => String(get(wb, ref))))].sort();
  setValues(wb, Object.fromEntries(refs.map((ref) => [ref, rng.pick(labels.filter((l) => l !== String(get(wb, ref))))])));
}

/** Rounded to cents, as ROUND(x, 2) does: for `expected` values of formulas that round. */
export const round2 = (x: number) => Math.round(x * 100) / 100;

import { cellName, parseRange } from '../engine/a1.js';
import { cellKey } from '../engine/sheet.js';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import type { Rng } from '@workgym/protocol';
import type { PlannedCall } from '@workgym/protocol/kit';

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
export const REGIONS = ['North', 'South', 'East', 'West', 'Central'];
export const PRODUCTS = ['Widget', 'Gadget', 'Sprocket', 'Gizmo', 'Doohickey', 'Bracket', 'Flange', 'Valve'];

export const call = (name: string, args: Record<string, unknown> = {}): PlannedCall => ({ name, arguments: args });

/** The value of a cell named "Sheet!B2" (null when the sheet or the cell is missing). */
export function get(wb: Workbook, ref: string): Value {
  const r = parseRange(ref);
  const sheet = r.sheet === undefined ? undefined : wb.sheet(r.sheet);
  return sheet?.cells.get(cellKey(r.top, r.left))?.value ?? null;
}

export const num = (v: Value): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : 0);

/** Sets constant values (and recalculates) in a trusted workbook, for perturbing inputs. */
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

/** Adds a random whole amount in [lo, hi] to each numeric cell of a column range. */
export function bump(wb: Workbook, rng: Rng, sheet: string, col: string, rows: [number, number], lo = 1, hi = 9): void {
  const values: Record<string, Value> = {};
  for (let r = rows[0]; r <= rows[1]; r++) values[`${sheet}!${col}${r}`] = num(get(wb, `${sheet}!${col}${r}`)) + rng.int(lo, hi);
  setValues(wb, values);
}

/** Gives every row of a label column (e.g. a Region) another of the labels the column holds. */
export function relabel(wb: Workbook, rng: Rng, sheet: string, col: string, rows: [number, number]): void {
  const refs = [];
  for (let r = rows[0]; r <= rows[1]; r++) refs.push(`${sheet}!${col}${r}`);
  const labels = [...new Set(refs.map((ref) => String(get(wb, ref))))].sort();
  setValues(wb, Object.fromEntries(refs.map((ref) => [ref, rng.pick(labels.filter((l) => l !== String(get(wb, ref))))])));
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

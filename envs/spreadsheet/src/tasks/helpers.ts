import { parseRange } from '../engine/a1.js';
import { cellKey } from '../engine/sheet.js';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import type { PlannedCall } from './task.js';
import type { Rng } from '@workgym/protocol';

export const FIRST = ['Alice', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Keiko', 'Liam', 'Maya', 'Nils', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wes', 'Yara', 'Zane'];
export const LAST = ['Smith', 'Garcia', 'Chen', 'Novak', 'Okafor', 'Rossi', 'Silva', 'Meyer', 'Kowalski', 'Haddad', 'Larsen', 'Moreau', 'Tanaka', 'Weber', 'Ivanova', 'Brown'];
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

/** Sets constant values (and recalculates), for perturbing inputs. */
export function setValues(wb: Workbook, values: Record<string, Value>): void {
  wb.write(
    Object.entries(values).map(([ref, value]) => {
      const r = parseRange(ref);
      const sheet = wb.requireSheet(r.sheet!);
      const old = sheet.get(r.top, r.left);
      return { sheet, row: r.top, col: r.left, cell: { value, format: old?.format } };
    }),
  );
}

/** Adds a random whole amount in [lo, hi] to each numeric cell of a column range. */
export function bump(wb: Workbook, rng: Rng, sheet: string, col: string, rows: [number, number], lo = 1, hi = 9): void {
  const values: Record<string, Value> = {};
  for (let r = rows[0]; r <= rows[1]; r++) values[`${sheet}!${col}${r}`] = num(get(wb, `${sheet}!${col}${r}`)) + rng.int(lo, hi);
  setValues(wb, values);
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/** Mixes useful calls with useless ones into a bounded candidate list. */
export function mixCandidates(rng: Rng, useful: PlannedCall[], other: PlannedCall[], max = 8): PlannedCall[] {
  return rng.shuffle([...rng.sample(useful, Math.min(useful.length, Math.ceil(max / 2))), ...rng.sample(other, Math.floor(max / 2))]);
}

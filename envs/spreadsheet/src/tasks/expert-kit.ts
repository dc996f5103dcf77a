import type { Derived, ExpertStep, PlannedCall } from '@workgym/protocol/kit';
import { parseRange } from '../engine/a1.js';
import { cellKey } from '../engine/sheet.js';
import type { Cell } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { showCell } from '../render.js';
import type { get } from './helpers.js';
import type { ExpertView } from './task.js';

// Building blocks of the state-based experts: they look at the workbook as it is, act only on
// what the episode has shown, and say which shown values each computed argument comes from.

/** An expert step: the tool call, the rationale (in terms of what the episode showed), and the derivations of the values it computed. */
export function move(name: string, args: Record<string, unknown>, text: string, derived: Derived[] = []): ExpertStep {
  return { call: { name, arguments: args }, text, derived };
}

/**
 * A derivation for the grounding rule: `value` (a formula, a number, a reference the expert
 * composed) comes from `sources`, text the episode has shown (the instruction's wording, a
 * `rowLine`), by `how`.
 */
export function derive(value: string | number, sources: readonly string[], how: string): Derived {
  return { value: String(value), sources: [...sources], how };
}

/** A derivation for every formula among written values, all from the same shown sources. */
export function deriveFormulas(values: readonly (readonly unknown[])[], sources: readonly string[], how: string): Derived[] {
  const formulas = new Set(values.flat().filter((v): v is string => typeof v === 'string' && v.startsWith('=')));
  return [...formulas].map((f) => derive(f, sources, how));
}

/** "Sheet!A1:B2" from a sheet name and an A1 range. */
export const at = (sheet: string, a1: string) => `${sheet}!${a1}`;

/** A sheet-qualified reference the expert composed from the sheet's name and cells the task named. */
export function refDerivation(sheet: string, a1: string, sources: readonly string[], how: string): Derived {
  return derive(at(sheet, a1), [sheet, ...sources], how);
}

/** A row as a grid shows it: "5 | INV-5003 | Rosa Chen | 450 | Overdue" (columns A to lastCol). */
export function rowLine(wb: Workbook, sheet: string, row: number, lastCol: number): string {
  const s = wb.sheet(sheet);
  const cells: string[] = [];
  for (let c = 1; c <= lastCol; c++) cells.push(showCell(s?.cells.get(cellKey(row, c))));
  return `${row} | ${cells.join(' | ')}`;
}

/** The lines of rows top..bottom, as a grid shows them now. */
export function rowLines(wb: Workbook, sheet: string, top: number, bottom: number, lastCol: number): string[] {
  const lines: string[] = [];
  for (let r = top; r <= bottom; r++) lines.push(rowLine(wb, sheet, r, lastCol));
  return lines;
}

/**
 * A read of `range` (A1, on `sheet`) when some of its rows, as they are now, have not been
 * shown: what the expert computes from a table must come from a view of that table.
 */
export function readIfUnseen(view: ExpertView, sheet: string, range: string, sources: readonly string[], why: string): ExpertStep | undefined {
  const r = parseRange(range);
  const unseen = rowLines(view.wb, sheet, r.top, r.bottom, r.right).some((line) => !view.shown(line));
  if (!unseen) return undefined;
  return move('read_range', { range: at(sheet, range) }, why, [refDerivation(sheet, range, sources, `the ${sheet} table the task describes`)]);
}

/** The cell at "Sheet!B2", if any. */
export function cellAt(wb: Workbook, ref: string): Cell | undefined {
  const r = parseRange(ref);
  return r.sheet === undefined ? undefined : wb.sheet(r.sheet)?.cells.get(cellKey(r.top, r.left));
}

/** A formula without "=", "$", spaces and case: two spellings of the same formula compare equal. */
export const normalFormula = (f: string | undefined) => (f ?? '').replace(/^=/, '').replace(/[$\s]/g, '').toUpperCase();

/** Whether a cell holds one of `formulas` (any spelling) and shows the value it should. */
export function holdsFormula(wb: Workbook, ref: string, formulas: readonly string[], ok: (v: ReturnType<typeof get>) => boolean): boolean {
  const cell = cellAt(wb, ref);
  return cell?.formula !== undefined && formulas.some((f) => normalFormula(f) === normalFormula(cell.formula)) && ok(cell.value);
}

/** The final step of a workbook task: `submit`, with why the workbook is now right. */
export const submit = (text: string): ExpertStep => move('submit', {}, text);

/** The calls of moves, without duplicates (candidate actions). */
export function uniqueCalls(calls: readonly PlannedCall[]): PlannedCall[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const key = `${c.name} ${JSON.stringify(c.arguments)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

import { ActionError } from '@workgym/protocol';
import { cellName, quoteSheet } from './a1.js';
import type { Meter } from './budget.js';
import { CalcEngine, type CellEdit, type EngineState, type EngineWorkbook } from './calc-engine.js';
import { keyCol, keyRow, Sheet, SHEET_STRIDE } from './sheet.js';
import type { DefinedName } from './defined-names.js';
import type { Table } from './structured-refs.js';
import type { Cell, Value } from './values.js';

export const MAX_SHEETS = 32;

/** An in-memory workbook whose formulas are kept up to date by its CalcEngine after every edit. */
export class Workbook implements EngineWorkbook {
  readonly sheets: Sheet[] = [];
  /** Sheet -> stable number used in cell ids (sheet order may change, ids do not). */
  readonly uids = new Map<Sheet, number>();
  readonly byUid = new Map<number, Sheet>();
  private nextUid = 1;
  /** The tables the workbook file defines (structured references point into them). */
  readonly tables: Table[] = [];
  /** The defined names the workbook file gives (`TaxRate` = `Settings!$B$1`). */
  readonly names: DefinedName[] = [];
  readonly calc: CalcEngine = new CalcEngine(this);

  sheet(name: string): Sheet | undefined {
    const lower = name.toLowerCase();
    return this.sheets.find((s) => s.name.toLowerCase() === lower);
  }

  /** The sheet named `name`, or ActionError(unknown_sheet) listing the sheets there are. */
  requireSheet(name: string): Sheet {
    const sheet = this.sheet(name);
    if (!sheet) {
      throw new ActionError('unknown_sheet', `there is no sheet named "${name}"; sheets: ${this.sheets.map((s) => s.name).join(', ')}`);
    }
    return sheet;
  }

  addSheet(name: string): Sheet {
    if (this.sheet(name)) throw new ActionError('sheet_exists', `a sheet named "${name}" already exists`);
    if (this.sheets.length >= MAX_SHEETS) throw new ActionError('too_large', `a workbook here holds at most ${MAX_SHEETS} sheets`);
    if (!/^[^\\/?*[\]:]{1,31}$/.test(name) || name.startsWith("'") || name.endsWith("'")) {
      throw new ActionError('bad_reference', `"${name}" is not a valid sheet name (1-31 characters, none of \\ / ? * [ ] :)`);
    }
    const sheet = new Sheet(name);
    this.register(sheet);
    return sheet;
  }

  private register(sheet: Sheet, uid = this.nextUid++): void {
    this.sheets.push(sheet);
    this.uids.set(sheet, uid);
    this.byUid.set(uid, sheet);
  }

  id(sheet: Sheet, key: number): number {
    return this.uids.get(sheet)! * SHEET_STRIDE + key;
  }

  value(sheet: Sheet, row: number, col: number): Value {
    return sheet.get(row, col)?.value ?? null;
  }

  /** A deep copy with its own engine (for verification runs that perturb inputs); nothing is recalculated. */
  clone(): Workbook {
    const copy = new Workbook();
    for (const sheet of this.sheets) copy.register(sheet.clone(), this.uids.get(sheet));
    copy.nextUid = this.nextUid;
    const own = (sheet: Sheet) => copy.byUid.get(this.uids.get(sheet)!)!;
    for (const table of this.tables) copy.tables.push({ ...table, sheet: own(table.sheet) });
    for (const n of this.names) copy.names.push({ ...n, scope: n.scope && own(n.scope) });
    copy.calc.adopt(this.calc.state());
    return copy;
  }

  /** The workbook as it is now, for `restore` after an edit that may fail half done. */
  snapshot(): WorkbookSnapshot {
    return { sheets: this.sheets.map((sheet) => ({ sheet, copy: sheet.clone() })), nextUid: this.nextUid, engine: this.calc.state() };
  }

  /** Puts back a snapshot: sheets added since are dropped, every cell is as it was. */
  restore(snapshot: WorkbookSnapshot): void {
    const kept = new Set(snapshot.sheets.map((s) => s.sheet));
    for (const sheet of this.sheets) {
      if (kept.has(sheet)) continue;
      this.byUid.delete(this.uids.get(sheet)!);
      this.uids.delete(sheet);
    }
    this.sheets.splice(0, this.sheets.length, ...snapshot.sheets.map((s) => s.sheet));
    for (const { sheet, copy } of snapshot.sheets) {
      sheet.name = copy.name;
      sheet.cells.clear();
      for (const [key, cell] of copy.cells) sheet.cells.set(key, cell);
    }
    this.nextUid = snapshot.nextUid;
    this.calc.adopt(snapshot.engine);
  }

  /**
   * Formula cells showing the result the workbook file stored rather than one the engine
   * computed (it lacks a function or reference form the formula uses), with why: verification
   * says when a compared cell relied on one.
   */
  cachedCells(): CachedCell[] {
    const out: CachedCell[] = [];
    for (const sheet of this.sheets) {
      for (const [key, cell] of sheet.cells) {
        if (cell.cached === undefined || cell.formula === undefined) continue;
        const [row, col] = [keyRow(key), keyCol(key)];
        out.push({ sheet: sheet.name, row, col, address: this.address(sheet, row, col), reason: cell.cached });
      }
    }
    return out;
  }

  /** `Sheet!A1` for a cell. */
  address(sheet: Sheet, row: number, col: number): string {
    return `${quoteSheet(sheet.name)}!${cellName(row, col)}`;
  }

  /**
   * Replaces cells and recalculates under `meter`; an edit that would make a cycle or go over
   * budget is undone and refused.
   */
  write(edits: readonly CellEdit[], meter: Meter): Promise<Map<number, Cell | undefined>> {
    return this.calc.apply(edits, meter);
  }

  /** `write` for trusted callers (generated tasks, tests): no limit, no pauses. */
  writeNow(edits: readonly CellEdit[]): Map<number, Cell | undefined> {
    return this.calc.applyNow(edits);
  }
}

/** A formula cell whose value is the file's stored result (Workbook.cachedCells). */
export interface CachedCell {
  sheet: string;
  row: number;
  col: number;
  /** `Sheet!B2`. */
  address: string;
  /** Why the engine kept the stored value ("the engine cannot compute XLOOKUP"). */
  reason: string;
}

export interface WorkbookSnapshot {
  sheets: { sheet: Sheet; copy: Sheet }[];
  nextUid: number;
  engine: EngineState;
}

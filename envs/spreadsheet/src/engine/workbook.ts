import { ActionError } from '@workgym/protocol';
import { cellName, quoteSheet } from './a1.js';
import { CalcEngine } from './calc-engine.js';
import { Sheet } from './sheet.js';
import type { Cell, Value } from './values.js';

export const MAX_SHEETS = 32;

/** Workbook-wide id of a cell: the sheet's number and the cell's key, in one float-safe number. */
export const SHEET_STRIDE = 2 ** 22;

/** An in-memory workbook whose formulas are kept up to date by its CalcEngine after every edit. */
export class Workbook {
  readonly sheets: Sheet[] = [];
  /** Sheet -> stable number used in cell ids (sheet order may change, ids do not). */
  readonly uids = new Map<Sheet, number>();
  readonly byUid = new Map<number, Sheet>();
  private nextUid = 1;
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

  private register(sheet: Sheet): void {
    const uid = this.nextUid++;
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

  /** A deep copy with its own engine (for verification runs that perturb inputs). */
  clone(): Workbook {
    const copy = new Workbook();
    for (const sheet of this.sheets) copy.register(sheet.clone());
    copy.calc.rebuild();
    return copy;
  }

  /** `Sheet!A1` for a cell. */
  address(sheet: Sheet, row: number, col: number): string {
    return `${quoteSheet(sheet.name)}!${cellName(row, col)}`;
  }

  /** Replaces cells and recalculates; an edit that would make a cycle is undone and refused. */
  write(edits: readonly { sheet: Sheet; row: number; col: number; cell: Cell | undefined }[]): Map<number, Cell | undefined> {
    return this.calc.apply(edits);
  }
}

import { ActionError } from '@workgym/protocol';
import FormulaParser, { type Arg } from 'fast-formula-parser';
import { cellName, MAX_COLS, MAX_ROWS } from './a1.js';
import { formulaRefs } from './formula-refs.js';
import { functionTable } from './functions.js';
import { cellKey, keyCol, keyRow, type Sheet } from './sheet.js';
import type { Cell, Value } from './values.js';
import { isError } from './values.js';
import { SHEET_STRIDE, type Workbook } from './workbook.js';

const { FormulaError } = FormulaParser;

// Building a parser costs ~10 ms (Chevrotain records its grammar), far more than evaluating a
// small workbook, and verification clones workbooks; so all engines share one parser, whose
// callbacks read the engine evaluating right now (evaluation is synchronous).
let parser: FormulaParser | undefined;
let active: CalcEngine | undefined;

/** Makes `engine` the one the parser's callbacks read; returns the one before. */
function activate(engine: CalcEngine | undefined): CalcEngine | undefined {
  const previous = active;
  active = engine;
  return previous;
}

function sharedParser(): FormulaParser {
  parser ??= new FormulaParser({
    functions: functionTable().functions as Record<string, (...args: Arg[]) => unknown>,
    onCell: (ref) => active!.readCell(ref),
    onRange: (ref) => active!.readRange(ref),
  });
  return parser;
}

interface Deps {
  points: number[];
  /** Range precedents as [sheet uid, top, left, bottom, right]. */
  ranges: [number, number, number, number, number][];
}

/** A column's range precedents: which formulas read which rows of it. */
interface RangeEntry {
  top: number;
  bottom: number;
  dependent: number;
}

/** Edits that would make a formula depend on itself are refused. */
export class CircularReferenceError extends ActionError {
  constructor(readonly cells: string[]) {
    super('circular_reference', `the edit makes a circular reference through ${cells.join(' -> ')}; it was not applied`);
  }
}

/**
 * Keeps every formula's value current. A dependency graph (cell -> formulas that read it, and
 * per column the ranges formulas read) finds what an edit makes dirty; dirty formulas are
 * evaluated in sheet/row/column order, and a formula that reads a dirty one not yet computed is
 * put back behind it (an explicit stack, so long chains never grow the JS stack).
 */
export class CalcEngine {
  private readonly deps = new Map<number, Deps>();
  private readonly pointDependents = new Map<number, Set<number>>();
  /** (sheet uid * 2^22 + column) -> range entries. */
  private readonly columnRanges = new Map<number, RangeEntry[]>();
  // State of one evaluation pass, read by the parser's callbacks.
  private pending: Set<number> | undefined;
  private missing: number | undefined;
  private extents = new Map<number, { rows: number; cols: number }>();
  /** Formulas evaluated since the engine was made (benchmarks read it). */
  evaluations = 0;

  constructor(private readonly wb: Workbook) {}

  /** Parses and evaluates with the shared parser, its callbacks reading this engine's workbook. */
  private parse(formula: string, position: { sheet: string; row: number; col: number }): unknown {
    const previous = activate(this);
    try {
      return sharedParser().parse(formula, position);
    } finally {
      activate(previous);
    }
  }

  /** Rebuilds the graph from every formula and recalculates all of them. */
  rebuild(): void {
    this.deps.clear();
    this.pointDependents.clear();
    this.columnRanges.clear();
    for (const sheet of this.wb.sheets) {
      for (const [key, cell] of sheet.cells) if (cell.formula !== undefined) this.link(this.wb.id(sheet, key), sheet, cell.formula);
    }
    this.recalcAll();
  }

  /** Evaluates every formula from scratch (the naive baseline the benchmark compares with). */
  recalcAll(): Map<number, Cell> {
    return this.evaluate(new Set(this.deps.keys()), false);
  }

  /**
   * Writes cells, recalculates what depends on them and returns every cell whose content
   * changed with what it held before.
   */
  apply(edits: readonly { sheet: Sheet; row: number; col: number; cell: Cell | undefined }[]): Map<number, Cell | undefined> {
    const before = edits.map((e) => ({ ...e, cell: e.sheet.get(e.row, e.col) }));
    const previous = new Map<number, Cell | undefined>();
    for (const e of before) {
      const id = this.wb.id(e.sheet, cellKey(e.row, e.col));
      if (!previous.has(id)) previous.set(id, e.cell && { ...e.cell });
    }
    const touched = this.put(edits);
    try {
      for (const [id, old] of this.evaluate(this.dirtyFrom(touched), true)) if (!previous.has(id)) previous.set(id, old);
      return previous;
    } catch (error) {
      if (!(error instanceof CircularReferenceError)) throw error;
      // Put back what was there; the old state had no cycle, so this recalculation succeeds.
      const restored = this.put([...before].reverse());
      this.evaluate(this.dirtyFrom(restored), true);
      throw error;
    }
  }

  /** Checks a formula before it is written: it parses, and names only known functions and sheets. */
  validate(formula: string, sheet: Sheet): void {
    for (const ref of formulaRefs(formula)) {
      if (ref.sheet !== undefined && !this.wb.sheet(ref.sheet)) {
        throw new ActionError('unknown_sheet', `the formula refers to sheet "${ref.sheet}", which does not exist`);
      }
    }
    const saved = this.pending;
    this.pending = new Set();
    try {
      this.parse(formula, { sheet: sheet.name, row: 1, col: 1 });
    } catch (error) {
      const problem = classify(error);
      // A function that fails on today's inputs is the formula's value (#VALUE!), not a bad formula.
      if (problem.kind !== 'runtime') throw new ActionError('formula_error', `"=${formula}" is not a valid formula: ${problem.message}`);
    } finally {
      this.pending = saved;
    }
  }

  private put(edits: readonly { sheet: Sheet; row: number; col: number; cell: Cell | undefined }[]): number[] {
    const touched: number[] = [];
    for (const { sheet, row, col, cell } of edits) {
      const key = cellKey(row, col);
      const id = this.wb.id(sheet, key);
      this.unlink(id);
      if (cell) sheet.cells.set(key, cell);
      else sheet.cells.delete(key);
      if (cell?.formula !== undefined) this.link(id, sheet, cell.formula);
      touched.push(id);
    }
    return touched;
  }

  private link(id: number, sheet: Sheet, formula: string): void {
    const deps: Deps = { points: [], ranges: [] };
    for (const ref of formulaRefs(formula)) {
      const target = ref.sheet === undefined ? sheet : this.wb.sheet(ref.sheet);
      if (!target) continue;
      const uid = this.wb.uids.get(target)!;
      if (!ref.isRange) {
        const point = uid * SHEET_STRIDE + cellKey(ref.r1, ref.c1);
        deps.points.push(point);
        let set = this.pointDependents.get(point);
        if (!set) this.pointDependents.set(point, (set = new Set()));
        set.add(id);
        continue;
      }
      deps.ranges.push([uid, ref.r1, ref.c1, ref.r2, ref.c2]);
      for (let c = ref.c1; c <= ref.c2; c++) {
        const bucket = uid * SHEET_STRIDE + c;
        let list = this.columnRanges.get(bucket);
        if (!list) this.columnRanges.set(bucket, (list = []));
        list.push({ top: ref.r1, bottom: ref.r2, dependent: id });
      }
    }
    this.deps.set(id, deps);
  }

  private unlink(id: number): void {
    const deps = this.deps.get(id);
    if (!deps) return;
    for (const p of deps.points) this.pointDependents.get(p)?.delete(id);
    for (const [uid, , left, , right] of deps.ranges) {
      for (let c = left; c <= right; c++) {
        const bucket = uid * SHEET_STRIDE + c;
        const list = this.columnRanges.get(bucket);
        if (list) this.columnRanges.set(bucket, list.filter((e) => e.dependent !== id));
      }
    }
    this.deps.delete(id);
  }

  /** The edited cells and every formula that reads them, directly or not. */
  private dirtyFrom(touched: readonly number[]): Set<number> {
    const dirty = new Set<number>();
    const queue = [...touched];
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (dirty.has(id)) continue;
      dirty.add(id);
      const points = this.pointDependents.get(id);
      if (points) for (const d of points) if (!dirty.has(d)) queue.push(d);
      const uid = Math.floor(id / SHEET_STRIDE);
      const key = id % SHEET_STRIDE;
      const row = keyRow(key);
      const list = this.columnRanges.get(uid * SHEET_STRIDE + keyCol(key));
      if (list) for (const e of list) if (row >= e.top && row <= e.bottom && !dirty.has(e.dependent)) queue.push(e.dependent);
    }
    return dirty;
  }

  /** Evaluates the formulas among `dirty`; returns the cells whose value changed, as they were. */
  private evaluate(dirty: Set<number>, reportChanges: boolean): Map<number, Cell> {
    const changed = new Map<number, Cell>();
    const formulas = [...dirty].filter((id) => this.deps.has(id)).sort((a, b) => a - b);
    this.pending = new Set(formulas);
    this.extents.clear();
    try {
      for (const start of formulas) {
        if (!this.pending.has(start)) continue;
        const stack = [start];
        const waiting = new Set<number>();
        while (stack.length > 0) {
          const id = stack[stack.length - 1]!;
          if (!this.pending.has(id)) {
            stack.pop();
            waiting.delete(id);
            continue;
          }
          this.missing = undefined;
          const value = this.evaluateOne(id);
          if (this.missing !== undefined) {
            if (this.missing === id || waiting.has(this.missing)) throw this.cycle(stack, this.missing);
            waiting.add(id);
            stack.push(this.missing);
            continue;
          }
          const sheet = this.wb.byUid.get(Math.floor(id / SHEET_STRIDE))!;
          const cell = sheet.cells.get(id % SHEET_STRIDE)!;
          if (reportChanges && !sameStored(cell.value, value)) changed.set(id, { ...cell });
          cell.value = value;
          this.pending.delete(id);
          stack.pop();
          waiting.delete(id);
        }
      }
    } finally {
      this.pending = undefined;
    }
    return changed;
  }

  private cycle(stack: number[], back: number): CircularReferenceError {
    const from = stack.indexOf(back);
    const path = [...stack.slice(from === -1 ? stack.length - 1 : from), back];
    return new CircularReferenceError(path.map((id) => this.name(id)));
  }

  name(id: number): string {
    const sheet = this.wb.byUid.get(Math.floor(id / SHEET_STRIDE))!;
    const key = id % SHEET_STRIDE;
    return `${sheet.name}!${cellName(keyRow(key), keyCol(key))}`;
  }

  private evaluateOne(id: number): Value {
    this.evaluations += 1;
    const sheet = this.wb.byUid.get(Math.floor(id / SHEET_STRIDE))!;
    const key = id % SHEET_STRIDE;
    const formula = sheet.cells.get(key)!.formula!;
    let result: unknown;
    try {
      result = this.parse(formula, { sheet: sheet.name, row: keyRow(key), col: keyCol(key) });
    } catch (error) {
      // Unknown functions and formulas that do not parse (possible in loaded files) show #NAME?;
      // a function that crashes on its inputs shows #VALUE!.
      return { error: classify(error).kind === 'runtime' ? '#VALUE!' : '#NAME?' };
    }
    return toValue(result);
  }

  readCell(ref: { sheet: string; row: number; col: number }): unknown {
    const sheet = this.wb.sheet(ref.sheet);
    if (!sheet) return FormulaError.REF;
    return this.read(sheet, ref.row, ref.col);
  }

  private read(sheet: Sheet, row: number, col: number): unknown {
    const key = cellKey(row, col);
    const cell = sheet.cells.get(key);
    if (!cell) return null;
    if (cell.formula !== undefined && this.pending) {
      const id = this.wb.id(sheet, key);
      if (this.pending.has(id)) {
        this.missing ??= id;
        return null;
      }
    }
    return toParser(cell.value);
  }

  readRange(ref: { sheet: string; from: { row: number; col: number }; to: { row: number; col: number } }): unknown[][] {
    const sheet = this.wb.sheet(ref.sheet);
    if (!sheet) return [[FormulaError.REF]];
    const uid = this.wb.uids.get(sheet)!;
    let extent = this.extents.get(uid);
    if (!extent) this.extents.set(uid, (extent = sheet.extent()));
    // Whole columns (A:A) and rows stop at the used area; other ranges keep their shape.
    const bottom = ref.to.row >= MAX_ROWS ? Math.max(Math.min(ref.to.row, extent.rows), ref.from.row) : ref.to.row;
    const right = ref.to.col >= MAX_COLS ? Math.max(Math.min(ref.to.col, extent.cols), ref.from.col) : ref.to.col;
    const rows: unknown[][] = [];
    for (let r = ref.from.row; r <= bottom; r++) {
      const row: unknown[] = [];
      for (let c = ref.from.col; c <= right; c++) row.push(this.read(sheet, r, c));
      rows.push(row);
    }
    return rows;
  }
}

function toParser(value: Value): unknown {
  return isError(value) ? new FormulaError(value.error) : value;
}

function toValue(result: unknown): Value {
  if (result === null || result === undefined) return 0;
  if (result instanceof FormulaError) return { error: result.error };
  if (typeof result === 'number') return Number.isFinite(result) ? result : { error: '#NUM!' };
  if (typeof result === 'string' || typeof result === 'boolean') return result;
  if (Array.isArray(result)) return toValue((result[0] as unknown[] | undefined)?.[0] ?? null);
  return { error: '#VALUE!' };
}

function sameStored(a: Value, b: Value): boolean {
  if (isError(a) || isError(b)) return isError(a) && isError(b) && a.error === b.error;
  return a === b;
}

/** What a throw from the parser means: a syntax error, an unknown function, or a function failing at run time. */
function classify(error: unknown): { kind: 'syntax' | 'unknown_function' | 'runtime'; message: string } {
  const e = error as { message?: string; details?: { errorLocation?: unknown; error?: string; message?: string } };
  const details = e.details;
  if (details instanceof FormulaError && details.error === '#NAME?') return { kind: 'unknown_function', message: details.message };
  if (details?.errorLocation !== undefined || !(error instanceof FormulaError)) {
    return { kind: 'syntax', message: String(e.message ?? error).trim().split('\n').slice(-1)[0] ?? 'does not parse' };
  }
  return { kind: 'runtime', message: String(e.message) };
}

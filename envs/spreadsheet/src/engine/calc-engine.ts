import { ActionError } from '@workgym/protocol';
import FormulaParser, { type Arg } from 'fast-formula-parser';
import { cellName, MAX_COLS, MAX_ROWS } from './a1.js';
import type { Meter } from './budget.js';
import { ComputeBudgetError, FORMULA_UNITS, runNow, runPaused, unmetered, WORKBOOK_UNITS, type Work } from './budget.js';
import { resolveNames, type DefinedName } from './defined-names.js';
import { boundWholeLines, formulaRefs, mapOutsideStrings } from './formula-refs.js';
import { contextFunctions, functionTable } from './functions.js';
import { cellKey, keyCol, keyRow, SHEET_STRIDE, type Sheet } from './sheet.js';
import { hasUnresolvedBrackets, resolveStructured, type FormulaPosition, type Table } from './structured-refs.js';
import type { Cell, Value } from './values.js';
import { isError, MAX_TEXT_CHARS } from './values.js';

const { FormulaError } = FormulaParser;

/** Characters of text (values and formulas) a workbook holds at most. */
export const MAX_WORKBOOK_TEXT = 8_000_000;

// Building a parser costs ~10 ms (Chevrotain records its grammar), far more than evaluating a
// small workbook, and verification clones workbooks; so all engines share one parser, whose
// callbacks read the engine evaluating right now (one formula's evaluation is synchronous).
let parser: FormulaParser | undefined;
let active: CalcEngine | undefined;

/** Makes `engine` the one the parser's callbacks read; returns the one before. */
function activate(engine: CalcEngine | undefined): CalcEngine | undefined {
  const previous = active;
  active = engine;
  return previous;
}

// Checking a formula needs a parser whose every function is a stub and whose ranges are empty:
// it finds syntax errors and unknown names without evaluating anything.
let checker: FormulaParser | undefined;

function checkingParser(): FormulaParser {
  if (!checker) {
    const stub = () => 0;
    const names = [...Object.keys(new FormulaParser().functions), ...Object.keys(functionTable().functions)];
    checker = new FormulaParser({
      functions: Object.fromEntries(names.map((name) => [name, stub])),
      onCell: () => 0,
      onRange: () => [[0]],
    });
  }
  return checker;
}

function sharedParser(): FormulaParser {
  parser ??= new FormulaParser({
    functions: functionTable().functions as Record<string, (...args: Arg[]) => unknown>,
    functionsNeedContext: contextFunctions(),
    onCell: (ref) => active!.readCell(ref),
    onRange: (ref) => active!.readRange(ref),
    onVariable: (name) => active!.unknownName(name),
  });
  return parser;
}

/** A column's range precedent: a formula reading rows top..bottom of it. */
interface RangeEntry {
  top: number;
  bottom: number;
  dependent: number;
}

interface Deps {
  points: number[];
  /** Range precedents: the column buckets each entry sits in. */
  ranges: { buckets: number[]; entry: RangeEntry }[];
}

/** A sheet's used area, and per column its last used row (whole-column ranges stop there). */
interface Extent {
  rows: number;
  cols: number;
  columnRows: Int32Array;
}

/**
 * What the engine reads of the workbook it keeps up to date (the Workbook, which owns its engine):
 * the sheets and their stable numbers.
 */
export interface EngineWorkbook {
  readonly sheets: readonly Sheet[];
  /** Sheet -> the stable number in its cells' ids (SHEET_STRIDE). */
  readonly uids: ReadonlyMap<Sheet, number>;
  readonly byUid: ReadonlyMap<number, Sheet>;
  /** Tables that structured references (`Table1[Col]`) point into. */
  readonly tables: readonly Table[];
  /** Defined names formulas may use (`TaxRate`). */
  readonly names: readonly DefinedName[];
  sheet(name: string): Sheet | undefined;
  /** The workbook-wide id of the cell `key` of `sheet`. */
  id(sheet: Sheet, key: number): number;
}

/** The engine's own state, for a workbook snapshot. */
export interface EngineState {
  costs: Map<number, number>;
  totalCost: number;
  textChars: number;
}

/** Edits that would make a formula depend on itself are refused. */
export class CircularReferenceError extends ActionError {
  constructor(readonly cells: string[]) {
    super('circular_reference', `the edit makes a circular reference through ${cells.join(' -> ')}; it was not applied`);
  }
}

const textUnits = (v: unknown) => (typeof v === 'string' ? v.length >> 4 : 0);
const cellText = (cell: Cell | undefined) => (cell ? (cell.formula?.length ?? 0) + (typeof cell.value === 'string' ? cell.value.length : 0) : 0);

/**
 * Keeps every formula's value current. A dependency graph (cell -> formulas that read it, and
 * per column the ranges formulas read) finds what an edit makes dirty; dirty formulas are
 * evaluated in sheet/row/column order, and a formula that reads dirty ones not yet computed is
 * put back behind them (an explicit stack, so long chains never grow the JS stack).
 *
 * Work is metered (see budget.ts): an edit whose recalculation goes over its meter's limit, or
 * that leaves formulas costing more than WORKBOOK_UNITS together, is rolled back exactly (every
 * cell, link and cost as it was) and refused with compute_budget; metered work pauses so other
 * sessions of the server run in between.
 */
export class CalcEngine {
  private readonly deps = new Map<number, Deps>();
  private readonly pointDependents = new Map<number, Set<number>>();
  /** (sheet uid * 2^22 + column) -> range entries. */
  private readonly columnRanges = new Map<number, Set<RangeEntry>>();
  /** What each formula's last evaluation cost: their sum bounds a full recalculation. */
  private costs = new Map<number, number>();
  totalCost = 0;
  /** Characters held by values and formulas. */
  textChars = 0;
  /** While an edit runs: each changed cost as it was before the edit. */
  private journal: Map<number, number | undefined> | undefined;
  /** While an edit runs: what rolling it back needs. */
  private txn: Transaction | undefined;
  private meter: Meter = unmetered();
  private busy = false;
  // State of one evaluation pass, read by the parser's callbacks.
  private pending: Set<number> | undefined;
  private missing: Set<number> | undefined;
  private readonly extents = new Map<number, Extent>();
  private formulaUnits = 0;
  private formulaLimit = Number.POSITIVE_INFINITY;
  private overBudget: ComputeBudgetError | undefined;
  private evaluating = '';
  /** A name the formula being evaluated uses that the workbook does not define. */
  private unknown: string | undefined;
  /** While a file's workbook is first calculated: formulas the engine cannot compute keep the file's value. */
  private keepFileValues = false;
  /** Formulas evaluated since the engine was made (benchmarks read it). */
  evaluations = 0;

  constructor(private readonly wb: EngineWorkbook) {}

  /** Parses and evaluates with the shared parser, its callbacks reading this engine's workbook. */
  private parse(formula: string, position: { sheet: string; row: number; col: number }): unknown {
    const previous = activate(this);
    try {
      return sharedParser().parse(formula, position);
    } finally {
      activate(previous);
    }
  }

  /** Rebuilds the graph from every formula and recalculates all of them (trusted callers). */
  rebuildNow(): void {
    this.exclusive(unmetered(), () => runNow(this.rebuildWork()));
  }

  /**
   * Rebuilds the graph and recalculates every formula under `meter`. On a refusal the workbook
   * is left half rebuilt: the caller restores the snapshot it took (Workbook.snapshot).
   */
  async rebuild(meter: Meter, options: { fromFile?: boolean } = {}): Promise<void> {
    this.keepFileValues = options.fromFile ?? false;
    try {
      await this.exclusiveAsync(meter, () => runPaused(this.rebuildWork(), meter, () => this.abandon()));
    } finally {
      this.keepFileValues = false;
    }
  }

  /**
   * The formula as the parser reads it: structured references resolved against the workbook's
   * tables, whole columns and rows bounded.
   */
  engineFormula(formula: string, at: FormulaPosition): string {
    return boundWholeLines(this.resolveReferences(formula, at));
  }

  /** The formula with the workbook's defined names and structured references written as what they mean. */
  resolveReferences(formula: string, at: FormulaPosition): string {
    return resolveStructured(resolveNames(formula, at.sheet, this.wb.names), at, this.wb.tables);
  }

  /** Evaluates every formula from scratch (the naive baseline the benchmark compares with). */
  recalcAll(): void {
    this.exclusive(unmetered(), () => runNow(this.evaluate(new Set(this.deps.keys()), undefined)));
  }

  /**
   * Writes cells, recalculates what depends on them and returns every cell whose content
   * changed with what it held before. A cycle or a budget overrun undoes the edit and throws.
   */
  async apply(edits: readonly CellEdit[], meter: Meter): Promise<Map<number, Cell | undefined>> {
    return this.exclusiveAsync(meter, () => runPaused(this.applyWork(edits), meter, () => this.abandon()));
  }

  /** `apply` for trusted callers: no limit, no pauses. */
  applyNow(edits: readonly CellEdit[]): Map<number, Cell | undefined> {
    return this.exclusive(unmetered(), () => runNow(this.applyWork(edits)));
  }

  /**
   * Checks a formula before it is written: it parses, and names only known functions and sheets.
   * Nothing is evaluated (every function is a stub here), so checking costs no budget.
   */
  validate(formula: string, sheet: Sheet, row = 1, col = 1): void {
    const engineFormula = this.engineFormula(formula, { sheet, row, col });
    if (hasUnresolvedBrackets(engineFormula)) {
      throw new ActionError(
        'formula_error',
        `"=${formula}" names a table or table column that does not exist here (tables: ${this.wb.tables.map((t) => `${t.name}[${t.columns.join(', ')}]`).join('; ') || 'none'}), or another workbook`,
      );
    }
    for (const ref of formulaRefs(engineFormula)) {
      if (ref.sheet !== undefined && !this.wb.sheet(ref.sheet)) {
        throw new ActionError('unknown_sheet', `the formula refers to sheet "${ref.sheet}", which does not exist`);
      }
    }
    try {
      checkingParser().parse(engineFormula, { sheet: sheet.name, row, col });
    } catch (error) {
      const problem = classify(error);
      if (problem.kind !== 'runtime') throw new ActionError('formula_error', `"=${formula}" is not a valid formula: ${problem.message}`);
    }
  }

  /** Drops the state of work interrupted mid-way (a slice over its time limit), undoing its edit. */
  private abandon(): void {
    activate(undefined);
    this.pending = undefined;
    this.missing = undefined;
    this.overBudget = undefined;
    if (this.txn) this.rollback(this.txn);
  }

  /** The engine's costs, for a snapshot; the graph is rebuilt from the cells on restore. */
  state(): EngineState {
    return { costs: new Map(this.costs), totalCost: this.totalCost, textChars: this.textChars };
  }

  /** Takes the cells as they are (values already current) and `state`'s costs: no evaluation. */
  adopt(state: EngineState): void {
    this.relink();
    this.costs = new Map(state.costs);
    this.totalCost = state.totalCost;
    this.textChars = state.textChars;
  }

  private exclusive<T>(meter: Meter, body: () => T): T {
    this.enter(meter);
    try {
      return body();
    } finally {
      this.leave();
    }
  }

  private async exclusiveAsync<T>(meter: Meter, body: () => Promise<T>): Promise<T> {
    this.enter(meter);
    try {
      return await body();
    } finally {
      this.leave();
    }
  }

  private enter(meter: Meter): void {
    // A workbook is edited by one call at a time (the protocol serialises a session's calls).
    if (this.busy) throw new Error('a workbook is being recalculated by another call');
    // The shared parser is built (~10 ms, far more on a loaded machine) before any timed slice.
    sharedParser();
    this.busy = true;
    this.meter = meter;
  }

  private leave(): void {
    this.busy = false;
    this.meter = unmetered();
  }

  private *rebuildWork(): Work<void> {
    const costBefore = this.totalCost;
    const textBefore = this.textChars;
    this.relink();
    this.costs.clear();
    this.totalCost = 0;
    this.textChars = 0;
    for (const sheet of this.wb.sheets) for (const cell of sheet.cells.values()) this.textChars += cellText(cell);
    this.checkText(textBefore);
    yield* this.evaluate(new Set(this.deps.keys()), undefined);
    this.checkCost(costBefore);
  }

  /** Links every formula of the workbook, without evaluating anything. */
  private relink(): void {
    this.deps.clear();
    this.pointDependents.clear();
    this.columnRanges.clear();
    for (const sheet of this.wb.sheets) {
      for (const [key, cell] of sheet.cells) if (cell.formula !== undefined) this.link(this.wb.id(sheet, key), sheet, cell.formula);
    }
  }

  private *applyWork(edits: readonly CellEdit[]): Work<Map<number, Cell | undefined>> {
    const before = edits.map((e) => ({ ...e, cell: e.sheet.get(e.row, e.col) }));
    const previous = new Map<number, Cell | undefined>();
    for (const e of before) {
      const id = this.wb.id(e.sheet, cellKey(e.row, e.col));
      if (!previous.has(id)) previous.set(id, e.cell && { ...e.cell });
    }
    const txn: Transaction = { before, changed: new Map(), textBefore: this.textChars };
    const costBefore = this.totalCost;
    this.txn = txn;
    this.journal = new Map();
    try {
      const touched = this.put(edits);
      this.checkText(txn.textBefore);
      const dirty = yield* this.dirtyFrom(touched);
      yield* this.evaluate(dirty, txn.changed);
      this.checkText(txn.textBefore);
      this.checkCost(costBefore);
      for (const [id, old] of txn.changed) if (!previous.has(id)) previous.set(id, old);
      return previous;
    } catch (error) {
      this.rollback(txn);
      throw error;
    } finally {
      this.txn = undefined;
      this.journal = undefined;
    }
  }

  /** Puts back what an edit changed: recalculated values, the edited cells, their links and costs. */
  private rollback({ before, changed, textBefore }: Transaction): void {
    // Undoing costs no budget; the journal stays on while the cells go back, so it also holds
    // the costs that putting them back removes.
    this.meter = unmetered();
    for (const [id, old] of changed) {
      const cell = this.cellAt(id);
      if (cell) cell.value = old.value;
    }
    this.put([...before].reverse());
    const journal = this.journal ?? new Map();
    this.journal = undefined;
    this.txn = undefined;
    for (const [id, cost] of journal) this.setCost(id, cost);
    this.textChars = textBefore;
  }

  private checkCost(before: number): void {
    if (this.totalCost > WORKBOOK_UNITS && this.totalCost > before) {
      throw new ComputeBudgetError(
        `the workbook's formulas would need ${this.totalCost.toLocaleString('en-US')} units of work to recalculate (about one per cell read), more than the ${WORKBOOK_UNITS.toLocaleString('en-US')} a workbook here may need; the edit was not applied`,
      );
    }
  }

  private checkText(before: number): void {
    if (this.textChars > MAX_WORKBOOK_TEXT && this.textChars > before) {
      throw new ActionError(
        'too_large',
        `a workbook here holds at most ${MAX_WORKBOOK_TEXT.toLocaleString('en-US')} characters of text and formulas; the edit was not applied`,
      );
    }
  }

  private setCost(id: number, cost: number | undefined): void {
    if (this.journal && !this.journal.has(id)) this.journal.set(id, this.costs.get(id));
    this.totalCost -= this.costs.get(id) ?? 0;
    if (cost === undefined) this.costs.delete(id);
    else {
      this.costs.set(id, cost);
      this.totalCost += cost;
    }
  }

  private cellAt(id: number): Cell | undefined {
    return this.wb.byUid.get(Math.floor(id / SHEET_STRIDE))?.cells.get(id % SHEET_STRIDE);
  }

  private put(edits: readonly CellEdit[]): number[] {
    const touched: number[] = [];
    for (const { sheet, row, col, cell } of edits) {
      const key = cellKey(row, col);
      const id = this.wb.id(sheet, key);
      this.textChars += cellText(cell) - cellText(sheet.cells.get(key));
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
    let units = 1;
    const key = id % SHEET_STRIDE;
    const resolved = this.resolveReferences(formula, { sheet, row: keyRow(key), col: keyCol(key) });
    for (const ref of formulaRefs(resolved)) {
      const target = ref.sheet === undefined ? sheet : this.wb.sheet(ref.sheet);
      if (!target) continue;
      const uid = this.wb.uids.get(target)!;
      units += 1;
      if (!ref.isRange) {
        const point = uid * SHEET_STRIDE + cellKey(ref.r1, ref.c1);
        deps.points.push(point);
        let set = this.pointDependents.get(point);
        if (!set) this.pointDependents.set(point, (set = new Set()));
        set.add(id);
        continue;
      }
      const entry: RangeEntry = { top: ref.r1, bottom: ref.r2, dependent: id };
      const buckets: number[] = [];
      for (let c = ref.c1; c <= Math.min(ref.c2, MAX_COLS); c++) {
        const bucket = uid * SHEET_STRIDE + c;
        let set = this.columnRanges.get(bucket);
        if (!set) this.columnRanges.set(bucket, (set = new Set()));
        set.add(entry);
        buckets.push(bucket);
      }
      units += buckets.length;
      deps.ranges.push({ buckets, entry });
    }
    this.meter.charge(units);
    this.deps.set(id, deps);
  }

  private unlink(id: number): void {
    const deps = this.deps.get(id);
    if (!deps) return;
    for (const p of deps.points) this.pointDependents.get(p)?.delete(id);
    for (const { buckets, entry } of deps.ranges) for (const bucket of buckets) this.columnRanges.get(bucket)?.delete(entry);
    this.deps.delete(id);
    this.setCost(id, undefined);
  }

  /** The edited cells and every formula that reads them, directly or not. */
  private *dirtyFrom(touched: readonly number[]): Work<Set<number>> {
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
      const entries = this.columnRanges.get(uid * SHEET_STRIDE + keyCol(key));
      if (entries) for (const e of entries) if (row >= e.top && row <= e.bottom && !dirty.has(e.dependent)) queue.push(e.dependent);
      this.meter.charge(1 + (points?.size ?? 0) + (entries?.size ?? 0));
      if (this.meter.due) yield;
    }
    return dirty;
  }

  /**
   * Evaluates the formulas among `dirty`; records in `changed` (when given) each cell whose
   * value changed, as it was.
   */
  private *evaluate(dirty: Set<number>, changed: Map<number, Cell> | undefined): Work<void> {
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
          // Every dirty formula this one reads goes on the stack at once, so a formula over a
          // range of dirty formulas is evaluated twice, not once per formula in the range.
          const missing = new Set<number>();
          this.missing = missing;
          const value = this.evaluateOne(id);
          this.missing = undefined;
          if (missing.size > 0) {
            for (const m of missing) if (m === id || waiting.has(m)) throw this.cycle(stack, m);
            waiting.add(id);
            stack.push(...missing);
          } else {
            const cell = this.cellAt(id)!;
            if (changed && !sameStored(cell.value, value) && !changed.has(id)) changed.set(id, { ...cell });
            this.textChars += textLength(value) - textLength(cell.value);
            cell.value = value;
            this.pending.delete(id);
            stack.pop();
            waiting.delete(id);
          }
          if (this.meter.due) yield;
        }
      }
    } finally {
      this.pending = undefined;
      this.missing = undefined;
    }
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

  private startFormula(where: string): void {
    this.formulaUnits = 0;
    this.formulaLimit = this.meter.yields ? FORMULA_UNITS : Number.POSITIVE_INFINITY;
    this.overBudget = undefined;
    this.evaluating = where;
  }

  /** Counts work of the formula being evaluated; past a limit, every later read fails too. */
  private charge(units: number): void {
    if (this.overBudget) throw this.overBudget;
    this.formulaUnits += units;
    if (this.formulaUnits > this.formulaLimit) {
      this.overBudget = new ComputeBudgetError(
        `${this.evaluating}: one formula may do at most ${this.formulaLimit.toLocaleString('en-US')} units of work (about one per cell it reads); the edit was not applied`,
      );
      throw this.overBudget;
    }
    this.chargeMeter(units);
  }

  /** Charges the operation's meter from inside a parser callback. */
  private chargeMeter(units: number): void {
    try {
      this.meter.charge(units);
    } catch (error) {
      // The parser turns exceptions from its callbacks into error values; remember the overrun.
      this.overBudget = error as ComputeBudgetError;
      throw error;
    }
  }

  private evaluateOne(id: number): Value {
    this.evaluations += 1;
    const sheet = this.wb.byUid.get(Math.floor(id / SHEET_STRIDE))!;
    const key = id % SHEET_STRIDE;
    const cell = sheet.cells.get(key)!;
    const formula = cell.formula!;
    this.startFormula(this.name(id));
    this.charge(1 + textUnits(formula));
    const position = { sheet, row: keyRow(key), col: keyCol(key) };
    const engineFormula = this.engineFormula(formula, position);
    let value: Value;
    if (cell.array) value = this.uncomputable(cell, 'the engine does not compute array formulas');
    // A structured reference left unresolved, or one into another workbook ([1]Prices!A1).
    else if (hasUnresolvedBrackets(engineFormula)) value = this.uncomputable(cell, `the engine cannot compute ${this.lacking(formula)}`);
    else {
      try {
        this.unknown = undefined;
        value = toValue(this.parse(engineFormula, { sheet: sheet.name, row: position.row, col: position.col }));
        if (this.unknown !== undefined && this.keepsFileValue(cell))
          value = this.uncomputable(cell, `the engine cannot compute ${this.unknown}, a name the workbook does not define`);
      } catch (error) {
        // A function that crashes on its inputs shows #VALUE!; unknown functions and formulas
        // that do not parse (possible in loaded files) keep the file's value, or show #NAME?.
        value = classify(error).kind === 'runtime' ? { error: '#VALUE!' } : this.uncomputable(cell, `the engine cannot compute ${this.lacking(formula)}`);
      }
    }
    if (this.overBudget) throw this.overBudget;
    this.charge(textUnits(value));
    this.setCost(id, this.formulaUnits);
    return value;
  }

  /**
   * The value of a formula the engine cannot compute: the file's stored result, kept and marked
   * (while the file is first calculated, or when already kept), or #NAME? when there is none.
   */
  private uncomputable(cell: Cell, reason: string): Value {
    if (this.keepsFileValue(cell)) {
      cell.cached = reason;
      return cell.value;
    }
    delete cell.cached;
    return { error: '#NAME?' };
  }

  /** What in a formula the engine lacks: the unknown functions it names, else its reference forms. */
  private lacking(formula: string): string {
    const known = knownFunctions();
    const names = new Set<string>();
    mapOutsideStrings(formula, (code) => {
      for (const m of code.matchAll(/(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_.]*)\s*\(/g)) if (!known.has(m[1]!.toUpperCase())) names.add(m[1]!.toUpperCase());
      return code;
    });
    if (names.size > 0) return [...names].join(', ');
    return formula.includes('[') ? 'this table or external reference' : 'this formula';
  }

  /** Whether the cell holds a file's stored value that an uncomputable formula keeps. */
  private keepsFileValue(cell: Cell): boolean {
    return cell.value !== null && (this.keepFileValues || cell.cached !== undefined);
  }

  /** A name no defined name resolved: #NAME?, and the formula cannot be computed. */
  unknownName(name: string): null {
    this.unknown ??= name;
    return null;
  }

  readCell(ref: { sheet: string; row: number; col: number }): unknown {
    const sheet = this.wb.sheet(ref.sheet);
    if (!sheet) return FormulaError.REF;
    this.charge(1);
    return this.read(sheet, ref.row, ref.col);
  }

  /** A cell's value for the parser; a dirty formula not yet computed is recorded as missing. */
  private read(sheet: Sheet, row: number, col: number): unknown {
    const key = cellKey(row, col);
    const cell = sheet.cells.get(key);
    if (!cell) return null;
    if (cell.formula !== undefined && this.pending) {
      const id = this.wb.id(sheet, key);
      if (this.pending.has(id)) {
        this.missing?.add(id);
        return null;
      }
    }
    if (typeof cell.value === 'string' && cell.value.length >= 16) this.charge(textUnits(cell.value));
    return toParser(cell.value);
  }

  readRange(ref: { sheet: string; from: { row: number; col: number }; to: { row: number; col: number } }): unknown[][] {
    const sheet = this.wb.sheet(ref.sheet);
    if (!sheet) return [[FormulaError.REF]];
    const extent = this.extentOf(sheet);
    // Whole columns (A:A, which the parser reads as rows up to 1,048,576) stop at the last used
    // row of those columns, whole rows (1:1, columns up to 16,384) at the used area.
    const right = ref.to.col > MAX_COLS ? Math.max(Math.min(ref.to.col, extent.cols), ref.from.col) : ref.to.col;
    let bottom = ref.to.row;
    if (ref.to.row > MAX_ROWS) {
      let used = 0;
      for (let c = ref.from.col; c <= Math.min(right, MAX_COLS); c++) used = Math.max(used, extent.columnRows[c]!);
      bottom = Math.max(Math.min(ref.to.row, used), ref.from.row);
    }
    // A range costs its size before any of it is read, so an oversized one is refused unbuilt.
    this.charge((bottom - ref.from.row + 1) * (right - ref.from.col + 1));
    const rows: unknown[][] = [];
    for (let r = ref.from.row; r <= bottom; r++) {
      const row: unknown[] = [];
      for (let c = ref.from.col; c <= right; c++) row.push(this.read(sheet, r, c));
      rows.push(row);
    }
    return rows;
  }

  private extentOf(sheet: Sheet): Extent {
    const uid = this.wb.uids.get(sheet)!;
    let extent = this.extents.get(uid);
    if (!extent) {
      extent = { rows: 0, cols: 0, columnRows: new Int32Array(MAX_COLS + 1) };
      for (const key of sheet.cells.keys()) {
        const row = keyRow(key);
        const col = keyCol(key);
        extent.rows = Math.max(extent.rows, row);
        extent.cols = Math.max(extent.cols, col);
        if (row > extent.columnRows[col]!) extent.columnRows[col] = row;
      }
      this.extents.set(uid, extent);
      this.chargeMeter(1 + (sheet.cells.size >> 4));
    }
    return extent;
  }
}

/** What rolling an edit back needs: the cells as they were, and the recalculated values it changed. */
interface Transaction {
  before: readonly CellEdit[];
  changed: Map<number, Cell>;
  textBefore: number;
}

/** One cell write: the new content, or undefined to clear it. */
export interface CellEdit {
  sheet: Sheet;
  row: number;
  col: number;
  cell: Cell | undefined;
}

let known: Set<string> | undefined;

/** Every function name the engine evaluates. */
function knownFunctions(): Set<string> {
  known ??= new Set([...Object.keys(new FormulaParser().functions), ...Object.keys(functionTable().functions)]);
  return known;
}

const textLength = (v: Value) => (typeof v === 'string' ? v.length : 0);

function toParser(value: Value): unknown {
  return isError(value) ? new FormulaError(value.error) : value;
}

function toValue(result: unknown): Value {
  if (result === null || result === undefined) return 0;
  if (result instanceof FormulaError) return { error: result.error };
  if (typeof result === 'number') return Number.isFinite(result) ? result : { error: '#NUM!' };
  // Excel's cells hold at most 32,767 characters; a longer text result is #VALUE!.
  if (typeof result === 'string') return result.length > MAX_TEXT_CHARS ? { error: '#VALUE!' } : result;
  if (typeof result === 'boolean') return result;
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
  // V8 refuses strings past its limit: a function that builds one fails at run time.
  if (error instanceof RangeError) return { kind: 'runtime', message: error.message };
  if (details?.errorLocation !== undefined || !(error instanceof FormulaError)) {
    return {
      kind: 'syntax',
      message:
        String(e.message ?? error)
          .trim()
          .split('\n')
          .slice(-1)[0] ?? 'does not parse',
    };
  }
  return { kind: 'runtime', message: String(e.message) };
}

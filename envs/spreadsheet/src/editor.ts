import { ActionError } from '@workgym/protocol';
import { cellName, columnName, MAX_COLS, MAX_ROWS, parseCell, parseColumn, parseRange, type RangeAddress } from './engine/a1.js';
import { agentMeter, Meter, SLICE_TIMEOUT_MS } from './engine/budget.js';
import { adjustForStructure, lineAfter, shiftFormula, type Axis, type StructureEdit } from './engine/formula-refs.js';
import { cellKey, keyCol, keyRow, type Sheet } from './engine/sheet.js';
import type { Cell, CellFormat, Value } from './engine/values.js';
import { isError, MAX_TEXT_CHARS } from './engine/values.js';
import type { Workbook } from './engine/workbook.js';
import { renderDiff, renderGrid, sheetList } from './render.js';
import { TOOLS, type ToolName } from './tools.js';

export const MAX_WRITE_CELLS = 20_000;
export const MAX_READ_CELLS = 2_000;
export { MAX_TEXT_CHARS };
export const MAX_FORMULA_CHARS = 8_192;
export const MAX_WORKBOOK_CELLS = 200_000;

/** What an edit or a read did, for the observation. */
export interface EditResult {
  text: string;
  /** Where the view should look next. */
  focus?: { sheet: Sheet; row: number };
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Carries out the workbook tools on one workbook. Every refusal is an ActionError with a kind
 * (bad_reference, unknown_sheet, formula_error, circular_reference, too_large, compute_budget,
 * ...), and a refused call leaves the workbook as it was. Each call's recalculation is metered
 * (STEP_UNITS) and pauses now and then, so other sessions of the server go on meanwhile.
 */
export class WorkbookEditor {
  private meter = new Meter();

  constructor(
    readonly wb: Workbook,
    /** Sheet that references without a sheet name point at. */
    public defaultSheet: Sheet,
    /** Wall-clock limit of one slice of recalculation (SLICE_TIMEOUT_MS; tests of the unit budgets raise it). */
    private readonly sliceMs = SLICE_TIMEOUT_MS,
  ) {}

  async apply(name: Exclude<ToolName, 'answer' | 'submit'>, raw: Record<string, unknown>, signal?: AbortSignal): Promise<EditResult> {
    this.meter = agentMeter(signal, this.sliceMs);
    switch (name) {
      case 'list_sheets':
        return { text: `Sheets: ${sheetList(this.wb)}` };
      case 'read_range':
        return this.readRange(TOOLS.parse('read_range', raw).range);
      case 'write_cells': {
        const a = TOOLS.parse('write_cells', raw);
        return this.writeCells(a.range, a.values);
      }
      case 'set_formula': {
        const a = TOOLS.parse('set_formula', raw);
        const { sheet, range } = this.locate(parseCell(a.cell));
        const formula = this.checkFormula(a.formula, sheet, range);
        return await this.commit(`set ${this.name(sheet, range.top, range.left)}`, [
          { sheet, row: range.top, col: range.left, cell: { value: null, formula, format: sheet.get(range.top, range.left)?.format } },
        ]);
      }
      case 'fill': {
        const a = TOOLS.parse('fill', raw);
        return this.fill(a.source, a.target);
      }
      case 'insert_rows': {
        const a = TOOLS.parse('insert_rows', raw);
        const row = rowWithinLimit(a.row);
        return this.insertLines(this.wb.requireSheet(a.sheet), 'row', row, a.count ?? 1);
      }
      case 'delete_rows': {
        const a = TOOLS.parse('delete_rows', raw);
        const row = rowWithinLimit(a.row);
        return this.deleteLines(this.wb.requireSheet(a.sheet), 'row', row, a.count ?? 1);
      }
      case 'insert_columns': {
        const a = TOOLS.parse('insert_columns', raw);
        return this.insertLines(this.wb.requireSheet(a.sheet), 'col', parseColumn(a.column), a.count ?? 1);
      }
      case 'delete_columns': {
        const a = TOOLS.parse('delete_columns', raw);
        return this.deleteLines(this.wb.requireSheet(a.sheet), 'col', parseColumn(a.column), a.count ?? 1);
      }
      case 'sort': {
        const a = TOOLS.parse('sort', raw);
        return this.sort(a.range, a.keys);
      }
      case 'create_sheet': {
        const name = TOOLS.parse('create_sheet', raw).name.trim();
        // Formulas that named this sheet before it existed now find it.
        const sheet = await this.rebuildAfter(() => this.wb.addSheet(name));
        return { text: `created sheet ${sheet.name}`, focus: { sheet, row: 1 } };
      }
      case 'set_format': {
        const a = TOOLS.parse('set_format', raw);
        return this.setFormat(a.range, { numFmt: a.number_format, bold: a.bold, fill: a.fill_color });
      }
    }
  }

  private name(sheet: Sheet, row: number, col: number): string {
    return this.wb.address(sheet, row, col);
  }

  private locate(range: RangeAddress): { sheet: Sheet; range: RangeAddress } {
    const sheet = range.sheet === undefined ? this.defaultSheet : this.wb.requireSheet(range.sheet);
    return { sheet, range };
  }

  private readRange(text: string): EditResult {
    const { sheet, range } = this.locate(parseRange(text));
    const extent = sheet.extent();
    // Whole columns and oversized ranges are cut to the used area before counting.
    const r = { ...range, bottom: Math.min(range.bottom, Math.max(extent.rows, range.top)), right: Math.min(range.right, Math.max(extent.cols, range.left)) };
    const cells = (r.bottom - r.top + 1) * (r.right - r.left + 1);
    if (cells > MAX_READ_CELLS) {
      throw new ActionError(
        'too_large',
        `${text} holds ${cells} cells; read at most ${MAX_READ_CELLS} per call (for example ${cellName(r.top, r.left)}:${cellName(r.top + Math.floor(MAX_READ_CELLS / (r.right - r.left + 1)) - 1, r.right)})`,
      );
    }
    return { text: renderGrid(sheet, r), focus: { sheet, row: r.top } };
  }

  private checkFormula(text: string, sheet: Sheet, at: RangeAddress): string {
    const formula = text.trim().replace(/^=/, '').trim();
    if (formula.length === 0) throw new ActionError('formula_error', `the formula for ${this.name(sheet, at.top, at.left)} is empty`);
    if (formula.length > MAX_FORMULA_CHARS) throw new ActionError('too_large', `a formula holds at most ${MAX_FORMULA_CHARS} characters`);
    try {
      this.wb.calc.validate(formula, sheet, at.top, at.left);
    } catch (error) {
      if (error instanceof ActionError) throw new ActionError(error.kind, `${this.name(sheet, at.top, at.left)}: ${error.message}`);
      throw error;
    }
    return formula;
  }

  private toCell(raw: string | number | boolean | null, sheet: Sheet, row: number, col: number): Cell | undefined {
    const format = sheet.get(row, col)?.format;
    if (raw === null || raw === '') return format ? { value: null, format } : undefined;
    if (typeof raw === 'string' && raw.startsWith('=') && raw.length > 1) {
      return { value: null, formula: this.checkFormula(raw, sheet, { top: row, left: col, bottom: row, right: col }), format };
    }
    if (typeof raw === 'string' && raw.length > MAX_TEXT_CHARS) throw new ActionError('too_large', `a cell holds at most ${MAX_TEXT_CHARS} characters`);
    return { value: typedValue(raw, format), format };
  }

  private async writeCells(text: string, values: (string | number | boolean | null)[][]): Promise<EditResult> {
    const { sheet, range } = this.locate(parseRange(text));
    const height = values.length;
    const width = Math.max(...values.map((r) => r.length));
    const single = range.top === range.bottom && range.left === range.right;
    if (!single && (range.bottom - range.top + 1 !== height || range.right - range.left + 1 !== width)) {
      throw new ActionError(
        'shape_mismatch',
        `${text} is ${range.bottom - range.top + 1}x${range.right - range.left + 1} but the values are ${height}x${width}; give the top-left cell or a range of the values' shape`,
      );
    }
    if (height * width > MAX_WRITE_CELLS) throw new ActionError('too_large', `write at most ${MAX_WRITE_CELLS} cells per call`);
    if (range.top + height - 1 > MAX_ROWS || range.left + width - 1 > MAX_COLS) {
      throw new ActionError('too_large', `the values reach beyond ${cellName(MAX_ROWS, MAX_COLS)}, the largest cell this env keeps`);
    }
    const edits = values.flatMap((row, i) =>
      row.map((v, j) => ({ sheet, row: range.top + i, col: range.left + j, cell: this.toCell(v, sheet, range.top + i, range.left + j) })),
    );
    return this.commit(`wrote ${height}x${width} cells at ${this.name(sheet, range.top, range.left)}`, edits);
  }

  private async fill(sourceText: string, targetText: string): Promise<EditResult> {
    const src = this.locate(parseCell(sourceText));
    const dst = this.locate(parseRange(targetText));
    const source = src.sheet.get(src.range.top, src.range.left);
    if (!source) throw new ActionError('empty_source', `${sourceText} is empty; there is nothing to fill with`);
    const cells = (dst.range.bottom - dst.range.top + 1) * (dst.range.right - dst.range.left + 1);
    if (cells > MAX_WRITE_CELLS) throw new ActionError('too_large', `fill at most ${MAX_WRITE_CELLS} cells per call`);
    const edits = [];
    for (let row = dst.range.top; row <= dst.range.bottom; row++) {
      for (let col = dst.range.left; col <= dst.range.right; col++) {
        if (dst.sheet === src.sheet && row === src.range.top && col === src.range.left) continue;
        const formula = source.formula === undefined ? undefined : shiftFormula(source.formula, row - src.range.top, col - src.range.left);
        edits.push({ sheet: dst.sheet, row, col, cell: { value: source.value, formula, format: source.format && { ...source.format } } });
      }
    }
    return this.commit(`filled ${targetText} from ${sourceText}`, edits);
  }

  private async commit(what: string, edits: { sheet: Sheet; row: number; col: number; cell: Cell | undefined }[]): Promise<EditResult> {
    const added = edits.filter((e) => e.cell && !e.sheet.get(e.row, e.col)).length;
    this.checkCellCount(added);
    const previous = await this.wb.write(edits, this.meter);
    const errors: string[] = [];
    for (const e of edits) {
      const v = e.sheet.get(e.row, e.col)?.value;
      if (v !== undefined && v !== null && isError(v)) errors.push(`${this.name(e.sheet, e.row, e.col)} = ${v.error}`);
    }
    const warn = errors.length > 0 ? `\nWarning: formula errors: ${errors.slice(0, 10).join(', ')}${errors.length > 10 ? ', …' : ''}` : '';
    const first = edits[0];
    return {
      text: `${what}; ${previous.size} cell(s) changed:\n${renderDiff(this.wb, previous) || '  (no change)'}${warn}`,
      focus: first && { sheet: first.sheet, row: first.row },
    };
  }

  private checkCellCount(added: number): void {
    const total = this.wb.sheets.reduce((n, s) => n + s.cells.size, 0);
    if (total + added > MAX_WORKBOOK_CELLS) throw new ActionError('too_large', `a workbook here holds at most ${MAX_WORKBOOK_CELLS} cells`);
  }

  /**
   * Runs an edit that moves cells or sheets around, then recalculates everything; a refusal on
   * the way (over budget) puts the workbook back as it was.
   */
  private async rebuildAfter<T>(edit: () => T): Promise<T> {
    const snapshot = this.wb.snapshot();
    try {
      const result = edit();
      await this.wb.calc.rebuild(this.meter);
      return result;
    } catch (error) {
      this.wb.restore(snapshot);
      throw error;
    }
  }

  /**
   * Inserts `count` empty rows (or columns) before `before`: the cells from there on move on, and
   * so do the references to them.
   */
  private async insertLines(sheet: Sheet, axis: Axis, before: number, count: number): Promise<EditResult> {
    const lineOf = axis === 'row' ? keyRow : keyCol;
    const lastLine = axis === 'row' ? MAX_ROWS : MAX_COLS;
    for (const key of sheet.cells.keys()) {
      if (lineOf(key) >= before && lineOf(key) + count > lastLine) {
        throw new ActionError(
          'too_large',
          `inserting ${count} would push cells beyond ${axis === 'row' ? `row ${MAX_ROWS}` : `column ${columnName(MAX_COLS)}`}`,
        );
      }
    }
    await this.rebuildAfter(() => this.moveLines(sheet, { kind: 'insert', axis, at: before, count }));
    return structureResult('inserted', sheet, axis, before, count);
  }

  /**
   * Deletes `count` rows (or columns) from `first` on: the cells past them move back, and the
   * references into them become #REF!.
   */
  private async deleteLines(sheet: Sheet, axis: Axis, first: number, count: number): Promise<EditResult> {
    await this.rebuildAfter(() => this.moveLines(sheet, { kind: 'delete', axis, at: first, count }));
    return structureResult('deleted', sheet, axis, first, count);
  }

  /** Carries out `edit` on the cells of `sheet` and on every reference to them in the workbook. */
  private moveLines(sheet: Sheet, edit: StructureEdit): void {
    for (const s of this.wb.sheets) {
      for (const cell of s.cells.values()) {
        if (cell.formula === undefined) continue;
        cell.formula = adjustForStructure(cell.formula, edit, (ref) => (ref.sheet === undefined ? s : this.wb.sheet(ref.sheet)) === sheet);
      }
    }
    const moved = new Map<number, Cell>();
    for (const [key, cell] of sheet.cells) {
      const row = keyRow(key);
      const col = keyCol(key);
      const line = lineAfter(edit.axis === 'row' ? row : col, edit);
      if (line === undefined) continue; // deleted with its row or column
      moved.set(edit.axis === 'row' ? cellKey(line, col) : cellKey(row, line), cell);
    }
    sheet.cells.clear();
    for (const [key, cell] of moved) sheet.cells.set(key, cell);
  }

  private async sort(text: string, keys: { column: string; order?: 'asc' | 'desc' }[]): Promise<EditResult> {
    const { sheet, range } = this.locate(parseRange(text));
    const extent = sheet.extent();
    const r = { ...range, bottom: Math.min(range.bottom, Math.max(extent.rows, range.top)) };
    const columns = keys.map((k) => {
      const col = parseColumn(k.column);
      if (col < r.left || col > r.right) throw new ActionError('bad_reference', `sort key column ${k.column} is outside ${text}`);
      return { col, sign: k.order === 'desc' ? -1 : 1 };
    });
    const rows: { from: number; cells: (Cell | undefined)[] }[] = [];
    for (let row = r.top; row <= r.bottom; row++) {
      const cells: (Cell | undefined)[] = [];
      for (let col = r.left; col <= r.right; col++) cells.push(sheet.get(row, col));
      rows.push({ from: row, cells });
    }
    rows.sort((a, b) => {
      for (const { col, sign } of columns) {
        const va = a.cells[col - r.left]?.value ?? null;
        const vb = b.cells[col - r.left]?.value ?? null;
        // Empty cells go last whichever the order, as in Excel.
        if (va === null || vb === null) {
          if (va !== vb) return va === null ? 1 : -1;
          continue;
        }
        const c = compareValues(va, vb);
        if (c !== 0) return c * sign;
      }
      return a.from - b.from;
    });
    await this.rebuildAfter(() =>
      rows.forEach((entry, i) => {
        const row = r.top + i;
        entry.cells.forEach((cell, j) => {
          const key = cellKey(row, r.left + j);
          if (!cell) sheet.cells.delete(key);
          else sheet.cells.set(key, cell.formula === undefined ? cell : { ...cell, formula: shiftFormula(cell.formula, row - entry.from, 0) });
        });
      }),
    );
    const by = keys.map((k) => `${k.column.toUpperCase()} ${k.order ?? 'asc'}`).join(', ');
    return { text: `sorted ${this.name(sheet, r.top, r.left)}:${cellName(r.bottom, r.right)} by ${by}`, focus: { sheet, row: Math.max(1, r.top - 1) } };
  }

  private setFormat(text: string, format: { numFmt?: string; bold?: boolean; fill?: string }): EditResult {
    const { sheet, range } = this.locate(parseRange(text));
    let fill: string | null | undefined;
    if (format.fill !== undefined) {
      if (format.fill.toLowerCase() === 'none') fill = null;
      else {
        const m = /^#?([0-9a-fA-F]{6})$/.exec(format.fill.trim());
        if (!m) throw new ActionError('bad_format', `fill_color "${format.fill}" is not #RRGGBB (e.g. #FFFF00) or "none"`);
        fill = m[1]!.toUpperCase();
      }
    }
    if (format.numFmt === undefined && format.bold === undefined && fill === undefined) {
      throw new ActionError('bad_format', 'give at least one of number_format, bold, fill_color');
    }
    const cells = (range.bottom - range.top + 1) * (range.right - range.left + 1);
    if (cells > MAX_WRITE_CELLS) throw new ActionError('too_large', `format at most ${MAX_WRITE_CELLS} cells per call`);
    let added = 0;
    for (let row = range.top; row <= range.bottom; row++) for (let col = range.left; col <= range.right; col++) if (!sheet.get(row, col)) added += 1;
    this.checkCellCount(added);
    for (let row = range.top; row <= range.bottom; row++) {
      for (let col = range.left; col <= range.right; col++) {
        const key = cellKey(row, col);
        const cell = sheet.cells.get(key) ?? { value: null };
        const next: CellFormat = { ...cell.format };
        if (format.numFmt !== undefined) next.numFmt = format.numFmt;
        if (format.bold !== undefined) next.bold = format.bold;
        if (fill === null) delete next.fill;
        else if (fill !== undefined) next.fill = fill;
        sheet.cells.set(key, { ...cell, format: next });
      }
    }
    const parts = [
      format.numFmt !== undefined && `number format ${format.numFmt}`,
      format.bold !== undefined && `bold ${format.bold}`,
      fill !== undefined && `fill ${fill ?? 'none'}`,
    ].filter(Boolean);
    return {
      text: `formatted ${this.name(sheet, range.top, range.left)}:${cellName(range.bottom, range.right)}: ${parts.join(', ')}`,
      focus: { sheet, row: range.top },
    };
  }
}

/**
 * What typing `raw` into a cell stores, by Excel's rule: text that reads as a number becomes that
 * number ("12.5", "00123" -> 123), unless it starts with an apostrophe ("'00123" stores the text
 * "00123") or the cell's number format is Text ("@").
 */
export function typedValue(raw: string | number | boolean, format: CellFormat | undefined): Value {
  if (typeof raw !== 'string') return raw;
  if (raw.startsWith("'")) return raw.slice(1);
  if (format?.numFmt === '@') return raw;
  return NUMBER.test(raw.trim()) ? Number(raw) : raw;
}

const rank = (v: Value) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : 3);

/** Excel's sort order: numbers, then text (case-insensitive), then logicals, then errors. */
export function compareValues(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

function rowWithinLimit(row: number): number {
  if (row > MAX_ROWS) throw new ActionError('bad_reference', `row ${row} is beyond row ${MAX_ROWS}`);
  return row;
}

/** What a row or column edit did ("inserted rows 2-3 on Data"), with the view near it. */
function structureResult(done: 'inserted' | 'deleted', sheet: Sheet, axis: Axis, first: number, count: number): EditResult {
  const label = axis === 'row' ? (line: number) => String(line) : columnName;
  const noun = axis === 'row' ? 'row' : 'column';
  const lines = count === 1 ? `${noun} ${label(first)}` : `${noun}s ${label(first)}-${label(first + count - 1)}`;
  return { text: `${done} ${lines} on ${sheet.name}`, focus: { sheet, row: axis === 'row' ? Math.max(1, first - 2) : 1 } };
}

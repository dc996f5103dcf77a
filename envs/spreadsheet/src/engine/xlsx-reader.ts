import JSZip from 'jszip';
import { columnNumber, type RangeAddress } from './a1.js';
import { dateToSerial, type CellFormat, type Value } from './values.js';
import { child, childrenNamed, parseXml, stringText, type XmlElement } from './xml-tree.js';

// The .xlsx reader: the workbook's parts read straight from the zip. exceljs (which writes the
// env's files) loses cached results on reading (`<v>0</v>`, FALSE, empty strings), copies a
// merged range's value into every cell, and throws on files Excel opens (defined names without
// a value, drawings it cannot place). This reader takes only what the env keeps: sheets, cell
// values and formulas with their cached results, number formats, bold and solid fills, merged
// ranges and tables; it never opens drawings, defined names or anything else.

/** A cell as the file stores it. */
export interface PartCell {
  row: number;
  col: number;
  /** The constant, or a formula's cached result as stored (null when the file stores none). */
  value: Value;
  /** The formula without "=" (shared formulas already expanded by the caller). */
  formula?: string;
  /** A shared formula: its group, and whether this cell holds the group's text. */
  shared?: { si: string; master: boolean };
  /** An array (CSE) formula's master cell. */
  array?: boolean;
  format?: CellFormat;
}

/** A table (ListObject) as the file defines it. */
export interface PartTable {
  name: string;
  range: RangeAddress;
  columns: string[];
  headerRows: number;
  totalsRows: number;
}

export interface PartSheet {
  name: string;
  cells: PartCell[];
  merges: RangeAddress[];
  tables: PartTable[];
}

/** A defined name as the file stores it; `sheet` is the index of the sheet it belongs to, if any. */
export interface PartName {
  name: string;
  sheet?: number;
  formula: string;
}

/** A file that is not a readable .xlsx: `part` names the zip entry at fault. */
export class XlsxPartError extends Error {
  constructor(
    readonly part: string,
    message: string,
  ) {
    super(`${part}: ${message}`);
  }
}

const NUMBER_FORMATS: Record<number, string> = {
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy h:mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

/** Reads the sheets of .xlsx bytes. Throws XlsxPartError naming the part that cannot be read. */
export async function readParts(bytes: Buffer | Uint8Array): Promise<{ sheets: PartSheet[]; names: PartName[] }> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (error) {
    throw new XlsxPartError('(zip)', `not a zip archive: ${(error as Error).message}`);
  }
  const xml = async (path: string): Promise<XmlElement | undefined> => {
    const entry = zip.file(path);
    if (!entry) return undefined;
    try {
      return parseXml(await entry.async('string'));
    } catch (error) {
      throw new XlsxPartError(path, `not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  const workbookPath = 'xl/workbook.xml';
  const workbook = await xml(workbookPath);
  if (!workbook) throw new XlsxPartError(workbookPath, 'missing: not an .xlsx workbook');
  const rels = await relationships(xml, workbookPath);
  const strings = (await xml('xl/sharedStrings.xml'))?.children.filter((c) => c.name === 'si').map(stringText) ?? [];
  const styles = readStyles(await xml('xl/styles.xml'));
  const date1904 = ['1', 'true'].includes(child(workbook, 'workbookPr')?.attrs.date1904 ?? '');
  const sheets: PartSheet[] = [];
  // localSheetId counts every sheet of the workbook; chart sheets are skipped below.
  const sheetAt = new Map<number, string>();
  for (const [index, entry] of childrenNamed(child(workbook, 'sheets'), 'sheet').entries()) {
    const name = entry.attrs.name ?? '';
    sheetAt.set(index, name);
    const target = rels.get(entry.attrs['r:id'] ?? '');
    if (!target) throw new XlsxPartError(workbookPath, `sheet "${name}" points at no part`);
    const sheetXml = await xml(target);
    // A chart sheet or dialog sheet has no cells; the env keeps worksheets only.
    if (!sheetXml || sheetXml.name !== 'worksheet') continue;
    const sheetRels = await relationships(xml, target);
    const tables: PartTable[] = [];
    for (const part of childrenNamed(child(sheetXml, 'tableParts'), 'tablePart')) {
      const path = sheetRels.get(part.attrs['r:id'] ?? '');
      const table = path ? await xml(path) : undefined;
      if (table) tables.push(readTable(table, path!));
    }
    const cells = readCells(sheetXml, target, strings, styles);
    if (date1904) for (const cell of cells) toDate1900(cell);
    sheets.push({ name, cells, merges: readMerges(sheetXml), tables });
  }
  return { sheets, names: readNames(workbook, sheetAt, sheets) };
}

/** The workbook's defined names the engine can use: not Excel's own (_xlnm., _xlfn.), not empty. */
function readNames(workbook: XmlElement, sheetAt: Map<number, string>, sheets: PartSheet[]): PartName[] {
  const names: PartName[] = [];
  for (const entry of childrenNamed(child(workbook, 'definedNames'), 'definedName')) {
    const name = entry.attrs.name ?? '';
    const formula = entry.text.trim().replace(/^=/, '');
    if (!name || name.toLowerCase().startsWith('_xl') || formula === '') continue;
    const local = entry.attrs.localSheetId === undefined ? undefined : sheetAt.get(Number(entry.attrs.localSheetId));
    const sheet = local === undefined ? undefined : sheets.findIndex((s) => s.name === local);
    if (sheet === -1) continue;
    names.push({ name, sheet, formula });
  }
  return names;
}

/** A part's relationships: id -> the target's path in the zip. */
async function relationships(xml: (path: string) => Promise<XmlElement | undefined>, partPath: string): Promise<Map<string, string>> {
  const slash = partPath.lastIndexOf('/');
  const dir = partPath.slice(0, slash);
  const rels = await xml(`${dir}/_rels/${partPath.slice(slash + 1)}.rels`);
  const map = new Map<string, string>();
  for (const rel of childrenNamed(rels, 'Relationship')) {
    if (rel.attrs.TargetMode === 'External' || !rel.attrs.Id || !rel.attrs.Target) continue;
    map.set(rel.attrs.Id, resolvePath(dir, rel.attrs.Target));
  }
  return map;
}

function resolvePath(dir: string, target: string): string {
  const parts = target.startsWith('/') ? [] : dir.split('/');
  for (const segment of target.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  return parts.join('/');
}

/** Per cell style index (the `s` attribute): the format the env keeps. */
function readStyles(styles: XmlElement | undefined): (CellFormat | undefined)[] {
  if (!styles) return [];
  const custom = new Map(childrenNamed(child(styles, 'numFmts'), 'numFmt').map((f) => [Number(f.attrs.numFmtId), f.attrs.formatCode ?? '']));
  const bold = childrenNamed(child(styles, 'fonts'), 'font').map((font) => {
    const b = child(font, 'b');
    return b !== undefined && b.attrs.val !== '0' && b.attrs.val !== 'false';
  });
  const fills = childrenNamed(child(styles, 'fills'), 'fill').map((fill) => {
    const pattern = child(fill, 'patternFill');
    const rgb = child(pattern, 'fgColor')?.attrs.rgb;
    return pattern?.attrs.patternType === 'solid' && rgb ? rgb.slice(-6).toUpperCase() : undefined;
  });
  return childrenNamed(child(styles, 'cellXfs'), 'xf').map((xf) => {
    const format: CellFormat = {};
    const id = Number(xf.attrs.numFmtId ?? 0);
    const numFmt = custom.get(id) ?? NUMBER_FORMATS[id];
    if (numFmt && numFmt !== 'General') format.numFmt = numFmt;
    if (bold[Number(xf.attrs.fontId ?? 0)]) format.bold = true;
    const fill = fills[Number(xf.attrs.fillId ?? 0)];
    if (fill) format.fill = fill;
    return Object.keys(format).length > 0 ? format : undefined;
  });
}

const CELL_REF = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

function readCells(sheet: XmlElement, part: string, strings: string[], styles: (CellFormat | undefined)[]): PartCell[] {
  const cells: PartCell[] = [];
  let rowNumber = 0;
  for (const row of childrenNamed(child(sheet, 'sheetData'), 'row')) {
    rowNumber = row.attrs.r ? Number(row.attrs.r) : rowNumber + 1;
    let colNumber = 0;
    for (const c of childrenNamed(row, 'c')) {
      const ref = c.attrs.r ? CELL_REF.exec(c.attrs.r) : null;
      if (c.attrs.r && !ref) throw new XlsxPartError(part, `cell reference "${c.attrs.r}" is not A1`);
      colNumber = ref ? columnNumber(ref[1]!) : colNumber + 1;
      const r = ref ? Number(ref[2]) : rowNumber;
      const cell: PartCell = { row: r, col: colNumber, value: cachedValue(c, strings) };
      const f = child(c, 'f');
      if (f) {
        if (f.attrs.t === 'shared' && f.attrs.si !== undefined) cell.shared = { si: f.attrs.si, master: f.text.trim() !== '' };
        if (f.attrs.t === 'array') cell.array = true;
        if (f.text.trim() !== '' || cell.shared) cell.formula = f.text;
      }
      const format = styles[Number(c.attrs.s ?? 0)];
      if (format) cell.format = { ...format };
      cells.push(cell);
    }
  }
  return cells;
}

/** The value a cell stores: `<v>` read by the cell's type `t` (0, FALSE, "" and errors included). */
function cachedValue(c: XmlElement, strings: string[]): Value {
  const v = child(c, 'v');
  switch (c.attrs.t) {
    case 'inlineStr': {
      const is = child(c, 'is');
      return is ? stringText(is) : null;
    }
    case 's':
      return v ? (strings[Number(v.text)] ?? null) : null;
    case 'str':
      return v ? v.text : null;
    case 'b':
      return v ? v.text.trim() === '1' || v.text.trim().toLowerCase() === 'true' : null;
    case 'e':
      return v ? { error: v.text.trim() } : null;
    case 'd': {
      const ms = v ? Date.parse(v.text) : Number.NaN;
      return Number.isNaN(ms) ? (v?.text ?? null) : dateToSerial(new Date(ms));
    }
    default: {
      if (!v || v.text.trim() === '') return null;
      const n = Number(v.text);
      return Number.isFinite(n) ? n : v.text;
    }
  }
}

/** Days from 1904-01-01 to 1900's epoch: a date of a 1904-system file (Mac Excel) is moved by them. */
const DAYS_1904 = 1462;

function toDate1900(cell: PartCell): void {
  if (typeof cell.value === 'number' && cell.format?.numFmt && showsDay(cell.format.numFmt)) cell.value += DAYS_1904;
}

/** Whether a number format shows a day (d or y outside quotes, escapes and [brackets]); times of day stay as they are. */
function showsDay(numFmt: string): boolean {
  return /[dy]/i.test(numFmt.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, ''));
}

function readMerges(sheet: XmlElement): RangeAddress[] {
  const merges: RangeAddress[] = [];
  for (const m of childrenNamed(child(sheet, 'mergeCells'), 'mergeCell')) {
    const range = parseArea(m.attrs.ref ?? '');
    if (range) merges.push(range);
  }
  return merges;
}

/** `B2:D9` (or one cell) as a range; undefined when it is not one. */
function parseArea(text: string): RangeAddress | undefined {
  const [a, b = a] = text.split(':');
  const ma = CELL_REF.exec(a ?? '');
  const mb = CELL_REF.exec(b ?? '');
  if (!ma || !mb) return undefined;
  return { top: Number(ma[2]), left: columnNumber(ma[1]!), bottom: Number(mb[2]), right: columnNumber(mb[1]!) };
}

function readTable(table: XmlElement, part: string): PartTable {
  const range = parseArea(table.attrs.ref ?? '');
  if (!range) throw new XlsxPartError(part, `table ref "${table.attrs.ref ?? ''}" is not a range`);
  return {
    name: table.attrs.displayName ?? table.attrs.name ?? '',
    range,
    columns: childrenNamed(child(table, 'tableColumns'), 'tableColumn').map((c) => c.attrs.name ?? ''),
    headerRows: table.attrs.headerRowCount === undefined ? 1 : Number(table.attrs.headerRowCount),
    totalsRows: Number(table.attrs.totalsRowCount ?? 0),
  };
}

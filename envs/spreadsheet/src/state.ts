import { canonicalJson, type StateSnapshot } from '@workgym/protocol/kit';
import { cellName, quoteSheet, rangeName } from './engine/a1.js';
import { keyCol, keyRow } from './engine/sheet.js';
import type { Cell, CellFormat } from './engine/values.js';
import type { Workbook } from './engine/workbook.js';

/**
 * A canonical snapshot of everything an agent can change in a workbook, for the kit's diff of
 * reset against the end of an episode (`Session.state`): `sheet:<name>` (its place in the tab
 * order), `cell:<Sheet>!<A1>` for every cell that holds a value, a formula or a style (value,
 * formula and number format, bold, fill), `table:<name>` and `name:<name>` (`name:<Sheet>!<name>`
 * for a sheet's own) for the tables and defined names a file brought. A cell that shows nothing
 * and has no style is left out, so clearing a scratch cell restores the snapshot, and a style
 * that looks like none (General, bold false) counts as none. The workbook keeps no merged
 * ranges, column widths or row heights (a file's merges are read as their top-left cells), and no
 * tool makes any, so there are no keys for them.
 */
export function workbookState(wb: Workbook): StateSnapshot {
  const state: Record<string, string> = {};
  wb.sheets.forEach((sheet, index) => {
    const prefix = quoteSheet(sheet.name);
    state[`sheet:${prefix}`] = canonicalJson({ index });
    for (const [key, cell] of sheet.cells) {
      const entry = cellEntry(cell);
      if (entry !== undefined) state[`cell:${prefix}!${cellName(keyRow(key), keyCol(key))}`] = entry;
    }
  });
  for (const t of wb.tables) {
    state[`table:${t.name}`] = canonicalJson({
      range: rangeName({ ...t.range, sheet: t.sheet.name }),
      columns: t.columns,
      headerRows: t.headerRows,
      totalsRows: t.totalsRows,
    });
  }
  for (const n of wb.names) state[`name:${n.scope ? `${quoteSheet(n.scope.name)}!` : ''}${n.name}`] = canonicalJson({ formula: n.formula });
  return state;
}

/** A cell as canonical JSON, or undefined for one that shows nothing and has no style. */
function cellEntry(cell: Cell): string | undefined {
  const format = styleOf(cell.format);
  const empty = cell.formula === undefined && (cell.value === null || cell.value === '');
  if (empty && format === undefined) return undefined;
  return canonicalJson({
    value: cell.value,
    ...(cell.formula !== undefined ? { formula: cell.formula } : {}),
    ...(cell.array ? { array: true } : {}),
    ...(format ? { format } : {}),
  });
}

function styleOf(format: CellFormat | undefined): CellFormat | undefined {
  if (!format) return undefined;
  const style: CellFormat = {
    ...(format.numFmt !== undefined && format.numFmt.toLowerCase() !== 'general' ? { numFmt: format.numFmt } : {}),
    ...(format.bold ? { bold: true } : {}),
    ...(format.fill !== undefined ? { fill: format.fill.toUpperCase() } : {}),
  };
  return Object.keys(style).length > 0 ? style : undefined;
}

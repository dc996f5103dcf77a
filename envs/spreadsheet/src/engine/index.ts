// The engine door (`@workgym/env-spreadsheet/engine`): the formula engine, xlsx reading and
// writing, and the editor that applies an agent's edits, for benchmarks and tests of the engine.
// The env itself is `@workgym/env-spreadsheet`.
export { Workbook } from './workbook.js';
export { CalcEngine, CircularReferenceError } from './calc-engine.js';
export { functionTable } from './functions.js';
export { readXlsx, writeXlsx, type WriteXlsxOptions } from './xlsx.js';
export { cellName, columnName, parseRange, MAX_COLS, MAX_ROWS, type RangeAddress } from './a1.js';
export { sameValue, showValue, type Cell, type CellFormat, type ErrorValue, type Value } from './values.js';
export { WorkbookEditor } from '../editor.js';
export { buildWorkbook } from '../tasks/build-workbook.js';

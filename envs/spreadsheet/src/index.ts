export { SpreadsheetEnv, JOB } from './env.js';
export { manifest } from './manifest.js';
export { ALL_TOOLS, TOOL_SCHEMAS, type ToolName } from './tools.js';
export { Workbook } from './engine/workbook.js';
export { CalcEngine, CircularReferenceError } from './engine/calc-engine.js';
export { functionTable } from './engine/functions.js';
export { readXlsx, writeXlsx, type WriteXlsxOptions } from './engine/xlsx.js';
export { cellName, columnName, parseRange, MAX_COLS, MAX_ROWS, type RangeAddress } from './engine/a1.js';
export { sameValue, showValue, type Cell, type CellFormat, type ErrorValue, type Value } from './engine/values.js';
export { WorkbookEditor } from './editor.js';
export { FAMILIES } from './tasks/index.js';
export { buildWorkbook } from './tasks/build-workbook.js';
export type { Difficulty, FamilyDef, PlannedCall, SheetInit, TaskInstance } from './tasks/task.js';
export { SPREADSHEETBENCH_FAMILY } from './spreadsheetbench/family.js';
export {
  loadSpreadsheetBench,
  spreadsheetBenchOptions,
  type SpreadsheetBenchOptions,
  type SpreadsheetBenchTask,
} from './spreadsheetbench/spreadsheetbench-task.js';

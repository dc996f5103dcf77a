export { SpreadsheetEnv, JOB } from './env.js';
export { manifest } from './manifest.js';
export { TOOLS, type ToolName } from './tools.js';
export type { FamilyDef, SheetInit, TaskInstance } from './tasks/task.js';
export { SPREADSHEETBENCH_FAMILY } from './spreadsheetbench/family.js';
export {
  loadSpreadsheetBench,
  spreadsheetBenchOptions,
  type SpreadsheetBenchOptions,
  type SpreadsheetBenchTask,
} from './spreadsheetbench/spreadsheetbench-task.js';

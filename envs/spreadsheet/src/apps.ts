// The spreadsheet's apps door (`@workgym/env-spreadsheet/apps`): the in-memory workbook session
// and what its experts and verifier read a workbook with, for an env that composes it with other
// apps (envs/workday).
export { SpreadsheetSession, type SessionTask } from './session.js';
export { buildWorkbook } from './tasks/build-workbook.js';
export { at, derive, move, readIfUnseen, rowLine } from './tasks/expert-kit.js';
export { call, get, num, round2 } from './tasks/helpers.js';
export type { ExpertView, SheetInit } from './tasks/task.js';
export { TOOLS } from './tools.js';
export { Workbook } from './engine/workbook.js';
export { sameValue, showValue, type Value } from './engine/values.js';

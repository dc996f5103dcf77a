export { CodeEnv, JOB } from './env.js';
export { manifest } from './manifest.js';
export { ALL_TOOLS, TOOL_SCHEMAS } from './tools.js';
export type { Difficulty, FamilyDef, HiddenCheck, PlannedCall, Suite, TaskInstance } from './tasks/task.js';

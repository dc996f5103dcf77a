export { CodeEnv, JOB } from './env.js';
export { manifest } from './manifest.js';
export { TOOLS } from './tools.js';
export type { FamilyDef, HiddenCheck, Suite, TaskInstance } from './tasks/task.js';

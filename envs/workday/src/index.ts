export { WorkdayEnv, type WorkdayEnvOptions } from './env.js';
export { manifest } from './manifest.js';
export type { FamilyDef, Job, WorkdayInstance, WorkdayView } from './tasks/task.js';

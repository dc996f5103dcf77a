export { BrowserEnv, type BrowserEnvOptions } from './env.js';
export { manifest } from './manifest.js';
export { TOOLS } from './tools.js';
export { CHROMIUM_ARGS } from './browser/browser-host.js';
export { DEFAULT_SETTLE, type SettleOptions, type StepTimings } from './browser/page-driver.js';
export type { FamilyDef, Job, TaskInstance } from './tasks/task.js';
// The session over one page, for an env that composes the browser with other apps (envs/workday).
export { BrowserHost, type BrowserHostOptions } from './browser/browser-host.js';
export { openBrowserSession, type PageSessionSpec } from './open-session.js';
export type { BrowserSession } from './session.js';

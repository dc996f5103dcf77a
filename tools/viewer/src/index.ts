export { startViewer, DEFAULT_APP_DIR } from './server/viewer-server.js';
export type { Viewer, ViewerOptions } from './server/viewer-server.js';
export { SourceError } from './server/sources.js';
export { CSP } from './server/headers.js';
export type * from './model/api.js';
export { writeBundle, BundleError } from './bundle/write-bundle.js';
export type { BundleOptions, BundleReport } from './bundle/write-bundle.js';

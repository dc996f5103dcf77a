// The RL loop (`@workgym/trainers/loop`): roll out, score, update, repeat.
export { endpointAgent, type EndpointAgentOptions, type PolicyEndpoint } from './endpoint.js';
export type { PolicyUpdater, RlBatch } from './policy-updater.js';
export { EmbeddedUpdater, type EmbeddedUpdaterOptions } from './embedded-updater.js';
export { ExternalUpdater, parseEndpoint, type ExternalUpdaterOptions } from './external-updater.js';
export { batchLine, writeBatchFile, type BatchLine } from './batch-file.js';
export { curvesCsv, writeCurves, type CurvePoint } from './curves.js';
export { rlLoop, type IterationSummary, type RlLoopOptions, type RlLoopResult } from './rl-loop.js';

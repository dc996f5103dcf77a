// The RL loop (`@workgym/trainers/loop`): roll out, score, update, repeat.
export { endpointAgent, type EndpointAgentOptions, type PolicyEndpoint } from './endpoint.js';
export type { PolicyUpdater, RlBatch } from './policy-updater.js';
export { EmbeddedUpdater, type EmbeddedUpdaterOptions } from './embedded-updater.js';
export { ExternalUpdater, parseEndpoint, type ExternalUpdaterOptions } from './external-updater.js';
export { batchLine, writeBatchFile, type BatchLine } from './batch-file.js';
export { curvesCsv, testCurvesCsv, writeCurves, type CurveFiles, type CurvePoint, type TestPoint } from './curves.js';
export { sampleInformativeGroups, type SampledBatch, type SamplingOptions } from './dynamic-sampling.js';
export {
  compareEvaluations,
  evaluateOnTest,
  evaluationIterations,
  formatComparison,
  type LearningComparison,
  type TestEvaluation,
  type TestEvaluationOptions,
} from './test-eval.js';
export { PerSampleAgent } from './per-sample-agent.js';
export { rlLoop, samplingSeed, type IterationSummary, type RlLoopOptions, type RlLoopResult } from './rl-loop.js';

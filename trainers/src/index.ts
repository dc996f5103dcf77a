export { ExternalTrainerError, PolicyFormatError, PolicyRequestError, TemplateCheckError, TrainerInputError } from './errors.js';

// Statistics and advantages.
export { wilson, type Proportion } from './stats/wilson.js';
export { meanPassAtK, passAtK } from './stats/pass-at-k.js';
export {
  ADVANTAGE_ESTIMATORS,
  computeAdvantages,
  formatAdvantageDiagnostics,
  type AdvantageDiagnostics,
  type AdvantageEstimator,
  type AdvantageOptions,
  type AdvantageResult,
  type AdvantageScope,
  type GroupDiagnostic,
  type ScoredEpisode,
} from './rl/advantages.js';

// The embedded learner.
export { stateFromContext, statesFromRecord, type Candidate, type PolicyState } from './learner/policy-state.js';
export { candidatesFromText, stateFromChat, type ChatRequestBody } from './learner/chat-state.js';
export { callKey, matchCandidate } from './learner/candidate-match.js';
export { FEATURE_VERSION, featurize, type SparseFeatures } from './learner/features.js';
export { tokens } from './learner/words.js';
export { LinearPolicy, POLICY_FILE, type Decision, type PolicyMeta, type UpdateOptions } from './learner/linear-policy.js';
export {
  behaviourCloning,
  policyGradient,
  toDecisions,
  type BehaviourCloningOptions,
  type DecisionSet,
  type PolicyGradientOptions,
  type TrainReport,
} from './learner/train.js';
export { dagger, type DaggerOptions } from './learner/dagger.js';
export { PolicyServer, type PolicyServerOptions } from './serve/policy-server.js';

// Evaluation.
export { evaluateRecords, formatEvalMarkdown, type EvalOptions, type EvalReport, type EvalRow, type EvalScope } from './eval/evaluate.js';
export { readRecords, runEval, type EvalEnv, type RunEvalOptions } from './eval/run-eval.js';

// The RL loop.
export { endpointAgent, type EndpointAgentOptions, type PolicyEndpoint } from './loop/endpoint.js';
export type { PolicyUpdater, RlBatch } from './loop/policy-updater.js';
export { EmbeddedUpdater, type EmbeddedUpdaterOptions } from './loop/embedded-updater.js';
export { ExternalUpdater, parseEndpoint, type ExternalUpdaterOptions } from './loop/external-updater.js';
export { batchLine, writeBatchFile, type BatchLine } from './loop/batch-file.js';
export { curvesCsv, writeCurves, type CurvePoint } from './loop/curves.js';
export { rlLoop, type IterationSummary, type RlLoopOptions, type RlLoopResult } from './loop/rl-loop.js';
export { renderLineChart, type LineChartOptions, type LineSeries } from './charts/line-chart.js';
export { renderHeatmap, type HeatmapOptions } from './charts/heatmap.js';

// Transfer.
export {
  embeddedTrainer,
  externalTrainer,
  trainingSets,
  transferMatrix,
  type TransferCell,
  type TransferOptions,
  type TransferResult,
  type TransferTrainer,
} from './transfer/transfer.js';

// Token-level SFT data.
export { loadTokenizer, TOKENIZERS, type TextTokenizer, type TokenizerName } from './sft/tokenizer.js';
export { ChatTemplate, SHIPPED_TEMPLATES, type ShippedTemplate, type TemplateMessage } from './sft/chat-template.js';
export { recordExamples, renderSegments, tokenizeSegments, type RenderOptions, type Segment, type TemplateExample, type TokenizedExample } from './sft/render-sft.js';
export { checkTemplate, SAMPLE_CONVERSATION, SAMPLE_TOOLS, type TemplateCheckReport } from './sft/template-check.js';
export { buildSftDataset, pack, writeSftDataset, type Pack, type SftDataset, type SftOptions } from './sft/sft-dataset.js';

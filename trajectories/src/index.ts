export { EpisodeRecordMessage, EPISODE_STATUSES, isEpisodeStatus } from './record/record.js';
export type {
  AgentInfo,
  EpisodeRecord,
  EpisodeStatus,
  EpisodeTimings,
  ImageRef,
  ObservationRecord,
  SamplingParams,
  StepRecord,
  TokenLogprob,
  TokenUsage,
  ToolCallRecord,
  ToolResultRecord,
  ToolSchema,
} from './record/record.js';
export {
  BadRunFileError,
  BlobNotFoundError,
  CorruptRecordError,
  DuplicateEpisodeError,
  ExportOptionsError,
  NothingSelectedError,
  InvalidRecordError,
  RunExistsError,
  RunLockedError,
  RunNotFoundError,
  RunWriteError,
  TestEpisodesError,
  TrajectoryError,
  UnknownContextPolicyError,
  WriterClosedError,
} from './errors.js';
export { rewardModeOf, shapedRewardOf } from './record/reward.js';
export type { RewardFields } from './record/reward.js';
export { actionsHash, taskId, taskPosition, taskSplit, toolsHash } from './record/task.js';
export { createRun, resumeRun } from './run/create-run.js';
export type { CreateRunOptions, ResumeRunOptions } from './run/create-run.js';
export { RunWriter, DEFAULT_SHARD_BYTES } from './run/run-writer.js';
export type { AppendResult } from './run/run-writer.js';
export { openRun, RunReader } from './run/run-reader.js';
export type { RecordFilter } from './run/record-filter.js';
export { matchesFilter } from './run/record-filter.js';
export type { EpisodeSummary } from './run/episode-summary.js';
export type { ShardDamage, TailRepair } from './run/run-state.js';
export type { KnownDamage, RunCounts, RunManifest, ShardEntry, ShardTable } from './storage/run-files.js';
export { verifyRun } from './run/verify-run.js';
export type { FileCheck, VerifyReport } from './run/verify-run.js';
export { repairRun } from './run/repair-run.js';
export type { LeftOut, RepairReport } from './run/repair-run.js';
export { formatRunStats, runStats } from './run/run-stats.js';
export type { GroupStats, RunStats } from './run/run-stats.js';
export { meanPassAtK, meanPassHatK, passAtK, passHatK } from './stats/pass-k.js';
export type { TaskMean } from './stats/pass-k.js';
export { compareDifficulties, ksUpTo, reliability, scenarioKey, scenarioSuccess } from './stats/reliability.js';
export type { Outcome, Reliability, ScenarioSuccess } from './stats/reliability.js';
export { wilson } from './stats/wilson.js';
export { formatSuiteMetrics, suiteMetrics, suiteOf } from './stats/suite-metrics.js';
export type { SuiteMetric } from './stats/suite-metrics.js';
export type { Proportion } from './stats/wilson.js';
export { formatTranscript } from './views/transcript.js';
export type { TranscriptOptions } from './views/transcript.js';
export {
  conversationBefore,
  functionTools,
  functionToolsOf,
  promptBeforeStep,
  targetConversations,
  toConversation,
  trainingConversations,
} from './views/conversation.js';
export type {
  ConversationMessage,
  ConversationOptions,
  ConversationSource,
  ConversationStep,
  ConversationToolCall,
  TrainingConversation,
} from './views/conversation.js';
export { describePolicy, parsePolicy, recordedPolicy } from './views/context-policy.js';
export type { ContextPolicy } from './views/context-policy.js';
export { selectEpisodes } from './views/select-episodes.js';
export { isTestEpisode, refuseTestEpisodes, TEST_CANARY } from './views/test-split.js';
export { MixedVerifiersError, mixedVerifierVersions, refuseMixedVerifiers } from './views/verifier-versions.js';
export type { SelectOptions } from './views/select-episodes.js';
export { buildPreferencePairs } from './views/preference-pairs.js';
export type { PairingReport, PreferencePair } from './views/preference-pairs.js';
export { EXPORT_FORMATS, exportRun, formatExportReport } from './export/export-run.js';
export type { ExportFormat, ExportOptions, ExportReport } from './export/export-run.js';
export { openAIChatRows, openAIMessage, openAIPreferenceRow } from './export/openai.js';
export type { OpenAIChatMessage, OpenAIChatOptions } from './export/openai.js';
export { trlChatRows, trlPreferenceRow } from './export/trl.js';
export { shareGptDatasetInfo, shareGptRows } from './export/sharegpt.js';
export type { ShareGptLimits } from './export/sharegpt.js';
export { rlParquet } from './export/rl-parquet.js';
export { validateOpenAIChatRow, validateOpenAIPreferenceRow, validateShareGptRow, validateTrlPreferenceRow, validateTrlRow } from './export/validate.js';

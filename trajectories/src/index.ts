export { EpisodeRecordMessage, EPISODE_STATUSES, isEpisodeStatus } from './record.js';
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
} from './record.js';
export {
  BadRunFileError,
  BlobNotFoundError,
  CorruptRecordError,
  DuplicateEpisodeError,
  ExportOptionsError,
  InvalidRecordError,
  RunExistsError,
  RunLockedError,
  RunNotFoundError,
  RunWriteError,
  TrajectoryError,
  UnknownContextPolicyError,
  WriterClosedError,
} from './errors.js';
export { actionsHash, taskId, taskPosition, taskSplit, toolsHash } from './task.js';
export { createRun, resumeRun, RunWriter, DEFAULT_SHARD_BYTES } from './run-writer.js';
export type { AppendResult, CreateRunOptions, ResumeRunOptions } from './run-writer.js';
export { openRun, RunReader } from './run-reader.js';
export type { RecordFilter } from './record-filter.js';
export { matchesFilter } from './record-filter.js';
export type { EpisodeSummary } from './episode-summary.js';
export type { ShardDamage, TailRepair } from './run-state.js';
export type { KnownDamage, RunCounts, RunManifest, ShardEntry, ShardTable } from './run-files.js';
export { verifyRun } from './verify-run.js';
export type { FileCheck, VerifyReport } from './verify-run.js';
export { repairRun } from './repair-run.js';
export type { LeftOut, RepairReport } from './repair-run.js';
export { formatRunStats, runStats } from './run-stats.js';
export type { GroupStats, RunStats } from './run-stats.js';
export { formatTranscript } from './transcript.js';
export type { TranscriptOptions } from './transcript.js';
export { conversationBefore, functionTools, functionToolsOf, promptBeforeStep, targetConversations, toConversation, trainingConversations } from './conversation.js';
export type { ConversationMessage, ConversationOptions, ConversationSource, ConversationStep, ConversationToolCall, TrainingConversation } from './conversation.js';
export { describePolicy, parsePolicy, recordedPolicy } from './context-policy.js';
export type { ContextPolicy } from './context-policy.js';
export { selectEpisodes } from './select-episodes.js';
export type { SelectOptions } from './select-episodes.js';
export { buildPreferencePairs } from './preference-pairs.js';
export type { PairingReport, PreferencePair } from './preference-pairs.js';
export { EXPORT_FORMATS, exportRun, formatExportReport } from './export-run.js';
export type { ExportFormat, ExportOptions, ExportReport } from './export-run.js';
export { openAIChatRows, openAIMessage, openAIPreferenceRow } from './export/openai.js';
export type { OpenAIChatMessage, OpenAIChatOptions } from './export/openai.js';
export { trlChatRows, trlPreferenceRow } from './export/trl.js';
export { shareGptDatasetInfo, shareGptRows } from './export/sharegpt.js';
export type { ShareGptLimits } from './export/sharegpt.js';
export { rlParquet } from './export/rl-parquet.js';
export {
  validateOpenAIChatRow,
  validateOpenAIPreferenceRow,
  validateShareGptRow,
  validateTrlPreferenceRow,
  validateTrlRow,
} from './export/validate.js';

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
  TrajectoryError,
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
export type { RunCounts, RunManifest, ShardEntry, ShardTable } from './run-files.js';

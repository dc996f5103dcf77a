import { workgym } from '../gen/episode.js';

const v1 = workgym.trajectories.v1;

/** The protobuf message class, for encodeDelimited / decodeDelimited. */
export const EpisodeRecordMessage = v1.EpisodeRecord;

export type EpisodeRecord = workgym.trajectories.v1.EpisodeRecord.$Properties;
export type StepRecord = workgym.trajectories.v1.Step.$Properties;
export type ToolSchema = workgym.trajectories.v1.ToolSchema.$Properties;
export type AgentInfo = workgym.trajectories.v1.Agent.$Properties;
export type SamplingParams = workgym.trajectories.v1.Sampling.$Properties;
export type ObservationRecord = workgym.trajectories.v1.Observation.$Properties;
export type ImageRef = workgym.trajectories.v1.Image.$Properties;
export type ToolCallRecord = workgym.trajectories.v1.ToolCall.$Properties;
export type ToolResultRecord = workgym.trajectories.v1.ToolResult.$Properties;
export type TokenUsage = workgym.trajectories.v1.TokenUsage.$Properties;
export type TokenLogprob = workgym.trajectories.v1.TokenLogprob.$Properties;
export type EpisodeTimings = workgym.trajectories.v1.Timings.$Properties;

// env_broken: the env failed at one of the agent's actions, and again at the same action on a fresh
// instance, so the agent broke it (a failure of the agent, never retried away). stuck: the agent
// repeated one call with the same arguments too many times in a row (a failure of the agent).
export const EPISODE_STATUSES = ['success', 'failure', 'truncated', 'agent_error', 'env_broken', 'stuck', 'infra_error', 'people_error'] as const;
export type EpisodeStatus = (typeof EPISODE_STATUSES)[number];

export function isEpisodeStatus(value: unknown): value is EpisodeStatus {
  return typeof value === 'string' && (EPISODE_STATUSES as readonly string[]).includes(value);
}

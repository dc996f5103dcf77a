import { REWARD_MODES } from '@workgym/protocol';
import { EPISODE_STATUSES } from '@workgym/trajectories';
import { z } from 'zod';

// The data on the queue: versioned JSON that a worker (episode jobs) or the coordinator
// (results) validates before anything runs. Payloads are data, never code; every object is
// strict, so a field this version does not know (an API key, say) is refused, not ignored.

export const AGENT_KINDS = ['expert', 'random', 'nothing', 'submit', 'give-up', 'openai'] as const;

/** The agent an episode runs with, as data. An openai agent's key is never here: the worker reads `apiKeyEnv` from its own environment. */
export const agentSpecSchema = z.strictObject({
  kind: z.enum(AGENT_KINDS),
  seed: z.number().int(),
  expertVariant: z.string().min(1).optional(),
  noise: z.number().min(0).max(1).optional(),
  model: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .optional(),
  candidates: z.boolean().optional(),
  context: z
    .string()
    .regex(/^(full|(window|memory):[1-9]\d*)$/, 'full, window:N or memory:N (N >= 1)')
    .optional(),
  temperature: z.number().min(0).max(2).optional(),
  selfEvaluate: z.boolean().optional(),
});
export type AgentSpec = z.infer<typeof agentSpecSchema>;

const name = z.string().min(1).max(500);

export const workItemSchema = z.strictObject({
  episodeId: name,
  groupId: name,
  env: name,
  family: name,
  split: name,
  seed: z.number().int(),
  sample: z.number().int().min(0),
});

const positiveMs = z.number().int().positive();

export const episodeLimitsSchema = z.strictObject({
  maxSteps: z.number().int().positive(),
  stepDeadlineMs: positiveMs,
  episodeDeadlineMs: positiveMs,
  envDeadlineMs: positiveMs.optional(),
  stuckAfter: z.number().int().min(0).optional(),
});

/** An episode job's data (its job id is the episode id, see jobIdOf). */
export const episodeJobSchema = z.strictObject({
  v: z.literal(1),
  runId: name,
  item: workItemSchema,
  agent: agentSpecSchema,
  limits: episodeLimitsSchema,
  resetOptions: z.record(z.string(), z.unknown()).optional(),
  /** What the episode's final reward pays: the run's mode, so that every worker of a run pays the same. */
  reward: z.enum(REWARD_MODES).optional(),
  /** The env's task-set paths, as the coordinator's machine named them: each worker must have them at the same paths. */
  tasks: z.array(z.string().min(1)).optional(),
  /** Attempts per episode when the env side fails (default 3). */
  maxAttempts: z.number().int().min(1).max(10).optional(),
});
export type EpisodeJob = z.infer<typeof episodeJobSchema>;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/**
 * The fields of an EpisodeRecord (trajectories/proto/episode.proto, as JSON) the coordinator
 * checks before it writes one; the run store's codec keeps the rest to the schema.
 */
const recordSchema = z.looseObject({
  runId: name,
  episodeId: name,
  env: name,
  family: name,
  status: z.enum(EPISODE_STATUSES),
  steps: z.array(z.looseObject({})),
});

/**
 * A results job's data (job id: the episode's, see jobIdOf): the record as JSON and, in
 * `blobs`, the bytes (base64) of each blob it names, by sha256.
 */
export const resultJobSchema = z.strictObject({
  v: z.literal(1),
  workerId: name,
  record: recordSchema,
  blobs: z.record(z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'), base64),
});
export type ResultJob = z.infer<typeof resultJobSchema>;

/** One line naming every problem, for a failed job's reason. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'the payload'}: ${issue.message}`).join('; ');
}

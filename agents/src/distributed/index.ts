// The distributed door of agents (`@workgym/agents/distributed`): rollouts whose episodes workers
// on other machines play, through BullMQ queues on Redis. Only this door loads bullmq and ioredis.
export { agentFromSpec } from './agent-from-spec.js';
export { distributedRollout, QueueBusyError, type Coordinator, type DistributedOutcome, type DistributedRolloutConfig } from './coordinator.js';
export {
  checkQueueName,
  connectionOptions,
  DEFAULT_QUEUE_NAME,
  parseQueueUrl,
  probeQueue,
  QueueAddressError,
  QueueUnreachableError,
  REDIS_PASSWORD_ENV,
  redactQueueUrl,
  type QueueAddress,
} from './queue-address.js';
export { envQueueName, episodeIdOf, jobIdOf, queueName, resultsQueueName, runKey } from './queue-names.js';
export { QueueStats, type FailedEpisode, type WorkerProgress } from './queue-stats.js';
export { DEFAULT_STALL_MS, startQueueWorker, type QueueWorker, type QueueWorkerOptions, type WorkerEvent } from './queue-worker.js';
export { DEFAULT_MAX_RESULT_BYTES, ResultTooLargeError } from './result-payload.js';
export { AGENT_KINDS, agentSpecSchema, episodeJobSchema, resultJobSchema, type AgentSpec, type EpisodeJob, type ResultJob } from './schemas.js';

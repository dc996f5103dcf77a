import { DEFAULT_QUEUE_NAME, QueueAddressError, type QueueAddress } from './queue-address.js';

// The queue's layout on Redis, for a queue named N: one BullMQ queue of episode jobs per env
// (N.<env>: a worker listens only to the envs it serves), one results queue (N.results) that only
// the coordinator consumes, and the key N:run holding the id of the run the queue serves.

export const queueName = (address: QueueAddress): string => address.name ?? DEFAULT_QUEUE_NAME;

export function envQueueName(name: string, env: string): string {
  if (env === 'results' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(env)) throw new QueueAddressError(`an env named ${JSON.stringify(env)} cannot have a queue`);
  return `${name}.${env}`;
}

export const resultsQueueName = (name: string): string => `${name}.results`;

export const runKey = (name: string): string => `${name}:run`;

/** The job id of an episode: its id with "%" and ":" percent-encoded (BullMQ keeps ":" for its keys). */
export function jobIdOf(episodeId: string): string {
  return episodeId.replaceAll('%', '%25').replaceAll(':', '%3A');
}

export function episodeIdOf(jobId: string): string {
  return jobId.replaceAll('%3A', ':').replaceAll('%25', '%');
}

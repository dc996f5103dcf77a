import { UsageError } from './usage-error.js';

/**
 * How long a job may go without its holder's heartbeat before BullMQ hands it on: an episode to
 * another worker, a result to a resumed coordinator (the library's `stallMs`, on both sides).
 * Only tests shorten it, through this variable: a real worker killed mid-episode is noticed
 * after BullMQ's own 30 s.
 */
export function stallMsFromEnvironment(): number | undefined {
  const value = process.env.WORKGYM_QUEUE_STALL_MS;
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100)
    throw new UsageError(`WORKGYM_QUEUE_STALL_MS must be a whole number of milliseconds >= 100, not ${JSON.stringify(value)}`);
  return ms;
}

import { WorkgymError } from '@workgym/protocol';
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * Where the queue lives. `url` never holds the password (it is safe to print and to store in a
 * run's manifest); `password` comes from the URL or from WORKGYM_REDIS_PASSWORD.
 */
export interface QueueAddress {
  /** `redis://[user@]host[:port][/db]`, or `rediss://` for TLS; without the password. */
  url: string;
  password?: string;
  /** The queue's name (default `workgym`): several runs share one Redis under different names. */
  name?: string;
}

export const DEFAULT_QUEUE_NAME = 'workgym';
export const REDIS_PASSWORD_ENV = 'WORKGYM_REDIS_PASSWORD';

const USAGE = 'expected redis://[user[:password]@]host[:port][/db] or rediss://... for TLS';

/** A queue URL the queue cannot use; its message never repeats a password. */
export class QueueAddressError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_QUEUE_ADDRESS', message);
  }
}

/**
 * Reads a queue URL. The password may be in the URL (percent-encoded) or in
 * WORKGYM_REDIS_PASSWORD (the URL's wins); what comes back keeps it out of `url`.
 */
export function parseQueueUrl(text: string, env: NodeJS.ProcessEnv = process.env, name?: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueAddressError(`the queue URL ${redactQueueUrl(text)} is not a URL (${USAGE})`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new QueueAddressError(`the queue URL ${redactQueueUrl(text)} is not a Redis URL (${USAGE})`);
  }
  if (!url.hostname) throw new QueueAddressError(`the queue URL ${redactQueueUrl(text)} names no host (${USAGE})`);
  if (url.pathname && url.pathname !== '/' && !/^\/\d{1,2}$/.test(url.pathname)) {
    throw new QueueAddressError(`the queue URL ${redactQueueUrl(text)} has a path that is not a database number (${USAGE})`);
  }
  if (url.search || url.hash) throw new QueueAddressError(`the queue URL ${redactQueueUrl(text)} takes no query or fragment (${USAGE})`);
  const password = url.password ? decodeURIComponent(url.password) : env[REDIS_PASSWORD_ENV] || undefined;
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), ...(password ? { password } : {}), ...(name ? { name: checkQueueName(name) } : {}) };
}

/** The URL with any password replaced by `***`: what may be printed or stored. Never throws. */
export function redactQueueUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.host) {
      if (url.password) url.password = '***';
      return url.toString().replace(/\/$/, '');
    }
  } catch {
    // Not a URL: redacted below.
  }
  // Without a host the URL parser may read "user:password@host" as a scheme and a path: whatever
  // precedes the last "@" (after a scheme's "//") may hold a password.
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, (_, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

/** A queue name BullMQ can use in its keys (no ":"): letters, digits, ".", "_" and "-". */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
    throw new QueueAddressError(`the queue name ${JSON.stringify(name)} must be letters, digits, ".", "_" or "-" (at most 100, no ":")`);
  }
  return name;
}

/**
 * ioredis options for the address. Commands wait out a lost connection (ioredis reconnects)
 * instead of failing, so a Redis restart pauses the run rather than ending it.
 */
export function connectionOptions(address: QueueAddress): RedisOptions {
  const url = new URL(address.url);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(address.password ? { password: address.password } : {}),
    ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: { servername: url.hostname } } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The queue's Redis did not answer (down, wrong address, refused credentials). */
export class QueueUnreachableError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_QUEUE_UNREACHABLE', message);
  }
}

/**
 * Connects once and pings, failing in one line (QueueUnreachableError) when Redis does not
 * answer within `timeoutMs` or refuses the credentials. Later connections wait out an outage
 * instead (see connectionOptions): this tells a wrong address or password from a restart.
 */
export async function probeQueue(address: QueueAddress, timeoutMs = 10_000): Promise<void> {
  const redis = new Redis({ ...connectionOptions(address), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const reason = (lastError ?? (error as Error)).message;
    throw new QueueUnreachableError(`cannot reach the queue at ${redactQueueUrl(address.url)}: ${reason}`);
  } finally {
    redis.disconnect();
  }
}

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributedRollout, parseQueueUrl, probeQueue, QueueUnreachableError } from '../src/distributed/index.js';
import { coordinatorConfig, counterWorker } from './distributed-helpers.js';
import { startRedis, type RedisServer } from './redis-server.js';

const PASSWORD = 'hunter2-queue-secret';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis({ password: PASSWORD });
});
afterAll(async () => {
  await redis?.[Symbol.asyncDispose]();
});

const withPassword = (password: string) => `redis://:${encodeURIComponent(password)}@127.0.0.1:${redis.port}`;

describe('queue credentials', () => {
  it('runs with the password from the URL on one side and from WORKGYM_REDIS_PASSWORD on the other', async () => {
    const coordinatorSide = { ...parseQueueUrl(withPassword(PASSWORD), {}), name: 'credentials' };
    const workerSide = { ...parseQueueUrl(redis.url, { WORKGYM_REDIS_PASSWORD: PASSWORD }), name: 'credentials' };
    expect(coordinatorSide.url).not.toContain(PASSWORD);
    const worker = counterWorker(workerSide);
    try {
      const outcome = await distributedRollout(await coordinatorConfig(coordinatorSide, { tasksPerFamily: 1, group: 2 }));
      expect(outcome).toMatchObject({ episodes: 2, failed: [] });
    } finally {
      await worker.close();
    }
  });

  it('refuses, in one line without the password, a password Redis does not take or a Redis that is not there, before making the run', async () => {
    const wrong = parseQueueUrl(withPassword('wrong-secret'), {});
    const config = await coordinatorConfig(wrong);
    const refusal = await distributedRollout(config).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(QueueUnreachableError);
    expect((refusal as Error).message).toMatch(/^cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+: WRONGPASS/);
    expect((refusal as Error).message).not.toContain('wrong-secret');
    expect((refusal as Error).message).not.toContain('\n');
    expect(existsSync(config.out)).toBe(false);
    await expect(probeQueue(parseQueueUrl(redis.url, {}))).rejects.toThrow(/^cannot reach the queue at redis:\/\/127\.0\.0\.1:\d+: NOAUTH/);
    await expect(probeQueue(parseQueueUrl('redis://127.0.0.1:1', {}))).rejects.toThrow(/^cannot reach the queue at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
  });
});

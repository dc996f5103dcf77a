import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRun } from '@workgym/trajectories';
import { distributedRollout, runKey, type QueueWorker } from '../src/distributed/index.js';
import { coordinatorConfig, counterWorker, plannedIds, queueOn, recordsOf } from './distributed-helpers.js';
import { startRedis, type RedisServer } from './redis-server.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.[Symbol.asyncDispose]();
});

async function closing<T>(workers: QueueWorker[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

describe('a distributed rollout', () => {
  it('writes exactly the planned episodes once with two workers, and frees the queue', async () => {
    const queue = queueOn(redis.url);
    const workers = [counterWorker(queue, { workerId: 'one' }), counterWorker(queue, { workerId: 'two' })];
    const config = await coordinatorConfig(queue);
    const outcome = await closing(workers, () => distributedRollout(config));
    expect(outcome).toMatchObject({ planned: 8, skipped: 0, episodes: 8, stopped: false, failed: [] });
    const records = await recordsOf(outcome.runDir);
    expect(records.map((r) => r.episodeId).sort()).toEqual(plannedIds([10, 11, 12, 13], 2));
    expect(records.every((r) => r.status === 'success' && r.runId === outcome.runId)).toBe(true);
    expect((await verifyRun(outcome.runDir)).ok).toBe(true);
    expect(outcome.stats.envs[0]).toMatchObject({ done: 8, success: 8 });
    expect(outcome.stats.workers.reduce((n, w) => n + w.done, 0)).toBe(8);
    const client = new Redis(redis.port, '127.0.0.1');
    expect(await client.exists(runKey(queue.name!))).toBe(0);
    client.disconnect();
  });
});

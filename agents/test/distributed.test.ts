import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessRuntime } from '@workgym/runtime';
import { openRun, verifyRun } from '@workgym/trajectories';
import { agentFromSpec, distributedRollout, runKey, type QueueWorker } from '../src/distributed/index.js';
import { startChatServer } from './fixtures/chat-server.js';
import { coordinatorConfig, counterWorker, PictureCounterEnv, plannedIds, queueOn, recordsOf } from './distributed-helpers.js';
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
    expect(outcome.stats.workers.reduce((n, w) => n + w.success, 0)).toBe(8);
    for (const w of outcome.stats.workers) expect(outcome.stats.workerRate(w.workerId)).toBeGreaterThan(0);
    expect(outcome.stats.listening.get('counter')).toBe(2);
    const client = new Redis(redis.port, '127.0.0.1');
    expect(await client.exists(runKey(queue.name!))).toBe(0);
    client.disconnect();
  });

  it("pays every episode the run's reward mode, whichever worker plays it", async () => {
    const queue = queueOn(redis.url);
    const workers = [counterWorker(queue, { workerId: 'one' }), counterWorker(queue, { workerId: 'two' })];
    const outcome = await closing(workers, async () => distributedRollout(await coordinatorConfig(queue, { reward: 'shaped' })));
    const records = await recordsOf(outcome.runDir);
    expect(records).toHaveLength(8);
    expect(records.map((r) => [r.rewardMode, r.finalReward, r.shapedReward])).toEqual(Array(8).fill(['shaped', 1, 1]));
  });

  it("carries each episode's blobs (screenshots) to the run, where the record names them", async () => {
    const queue = queueOn(redis.url);
    const runtime = new InProcessRuntime({ counter: () => new PictureCounterEnv(8) });
    const config = await coordinatorConfig(queue, { tasksPerFamily: 1, group: 2 });
    const outcome = await closing([counterWorker(queue, { runtime })], () => distributedRollout(config));
    expect(outcome).toMatchObject({ episodes: 2, failed: [] });
    await using reader = await openRun(outcome.runDir);
    for await (const record of reader.records()) {
      for (const step of record.steps!) {
        const image = step.observation!.images![0]!;
        expect((await reader.blob(image.sha256!)).toString()).toBe(`frame: ${step.observation!.text}`);
      }
    }
    expect((await verifyRun(outcome.runDir)).ok).toBe(true);
  });
  it("plays an openai agent's episodes from the worker, which calls the model server with its own key", async () => {
    // The model the counter env wants: add the difference once, then submit.
    const server = await startChatServer((request) => {
      const [, from, to] = /from (\d+) to (\d+)/.exec(String(request.messages[1]!.content))!.map(Number) as [number, number, number];
      const added = request.messages.some((m) => m.role === 'tool');
      return { toolCalls: added ? [{ name: 'submit', arguments: '{}' }] : [{ name: 'add', arguments: JSON.stringify({ amount: to - from }) }] };
    });
    try {
      const queue = queueOn(redis.url);
      const agentSpec = { kind: 'openai' as const, seed: 10, model: 'test-model', baseUrl: server.baseURL, apiKeyEnv: 'MODEL_KEY' };
      const worker = counterWorker(queue, { makeAgent: (spec) => agentFromSpec(spec, { env: { MODEL_KEY: 'sk-on-the-worker' } }) });
      const config = await coordinatorConfig(queue, { agentSpec, agentInfo: agentFromSpec(agentSpec).info, tasksPerFamily: 2, group: 1 });
      const outcome = await closing([worker], () => distributedRollout(config));
      expect(outcome).toMatchObject({ episodes: 2, failed: [] });
      const records = await recordsOf(outcome.runDir);
      expect(records.map((r) => [r.agent?.kind, r.agent?.model, r.status])).toEqual([
        ['openai', 'test-model', 'success'],
        ['openai', 'test-model', 'success'],
      ]);
      expect(server.requests.length).toBe(4);
      expect(new Set(server.authorizations)).toEqual(new Set(['Bearer sk-on-the-worker']));
    } finally {
      await server.close();
    }
  });
});

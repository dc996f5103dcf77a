import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessSpec } from '@workgym/runtime';
import { verifyRun } from '@workgym/trajectories';
import { distributedRollout, envQueueName, jobIdOf, type FailedEpisode, type QueueAddress, type QueueWorker } from '../src/distributed/index.js';
import { coordinatorConfig, counterWorker, hangingAgent, plannedIds, queueOn, recordsOf, slowExpert } from './distributed-helpers.js';
import { startRedis, type RedisServer } from './redis-server.js';

const dyingWorker = fileURLToPath(new URL('./fixtures/dying-queue-worker.ts', import.meta.url));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.[Symbol.asyncDispose]();
});

async function closing<T>(workers: (QueueWorker | undefined)[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await Promise.all(workers.map((w) => w?.close()));
  }
}

/** The queue of an env's episode jobs, to look at (and, for a bad payload, add to) as a test. */
function episodeQueue(queue: QueueAddress, server: RedisServer = redis): Queue {
  return new Queue(envQueueName(queue.name!, 'counter'), { connection: { host: '127.0.0.1', port: server.port } });
}

describe('a distributed rollout under faults', () => {
  it('enqueues each episode once however often it starts, refuses another run on the busy queue, and a resume re-attaches', async () => {
    const queue = queueOn(redis.url);
    const episodes = episodeQueue(queue);
    const config = await coordinatorConfig(queue);
    // No worker yet: each coordinator enqueues and is stopped at once.
    expect(await distributedRollout({ ...config, onStart: (c) => c.stop() })).toMatchObject({ stopped: true, episodes: 0 });
    expect(await episodes.getWaitingCount()).toBe(8);
    expect(await distributedRollout({ ...config, resume: true, onStart: (c) => c.stop() })).toMatchObject({ stopped: true, planned: 8, skipped: 0 });
    expect(await episodes.getWaitingCount()).toBe(8);
    const other = await coordinatorConfig(queue);
    await expect(distributedRollout(other)).rejects.toThrow(
      /^queue test-\S+ on redis:\/\/127\.0\.0\.1:\d+ still holds 8 job\(s\) of run run \(started [^)]+\): resume that run to finish it, or start this one under another queue name$/,
    );
    expect(existsSync(other.out)).toBe(false);
    const outcome = await closing([counterWorker(queue)], () => distributedRollout({ ...config, resume: true }));
    expect(outcome).toMatchObject({ planned: 8, episodes: 8, failed: [] });
    expect((await recordsOf(outcome.runDir)).map((r) => r.episodeId).sort()).toEqual(plannedIds([10, 11, 12, 13], 2));
    expect((await verifyRun(outcome.runDir)).ok).toBe(true);
    await episodes.close();
  });

  it('a resumed coordinator collects the results workers left while it was away, without running those episodes again', async () => {
    const queue = queueOn(redis.url);
    const config = await coordinatorConfig(queue);
    let played = 0;
    let allPlayed!: () => void;
    const done = new Promise<void>((resolve) => (allPlayed = resolve));
    const worker = counterWorker(queue, { onEvent: (e) => e.kind === 'done' && ++played === 8 && allPlayed() });
    // The coordinator enqueues and goes away; the worker plays every episode meanwhile.
    await distributedRollout({ ...config, onStart: (c) => c.stop() });
    await done;
    const outcome = await closing([worker], () => distributedRollout({ ...config, resume: true }));
    expect(outcome).toMatchObject({ planned: 8, skipped: 0, episodes: 8, failed: [] });
    expect(played).toBe(8);
    expect((await recordsOf(outcome.runDir)).map((r) => r.episodeId).sort()).toEqual(plannedIds([10, 11, 12, 13], 2));
  });

  it('fails the jobs a worker cannot serve (a bad payload, an unknown env or family) with a one-line reason the coordinator shows, while the worker serves the rest', async () => {
    const queue = queueOn(redis.url);
    const episodes = episodeQueue(queue);
    const badId = 'counter/reach-target:train:10:0';
    // Someone else's job under an episode's id: the coordinator's own add of that id is then a no-op.
    await episodes.add(
      'episode',
      { v: 1, runId: 'x', item: { episodeId: badId }, agent: { kind: 'expert', seed: 1, apiKey: 'sk-secret' } },
      { jobId: jobIdOf(badId) },
    );
    const shown: FailedEpisode[] = [];
    const worker = counterWorker(queue, { envs: ['counter', 'ghost'] });
    const config = await coordinatorConfig(queue, {
      tasksPerFamily: 2,
      group: 1,
      envs: [
        { name: 'counter', spec: inProcessSpec('counter'), families: ['counter/reach-target', 'counter/no-such-family'] },
        { name: 'ghost', spec: inProcessSpec('ghost'), families: ['ghost/haunt'] },
      ],
      onFailed: (failure) => shown.push(failure),
    });
    const outcome = await closing([worker], () => distributedRollout(config));
    const reasons = Object.fromEntries(outcome.failed.map((f) => [f.episodeId, f.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      [badId, 'counter/no-such-family:train:10:0', 'counter/no-such-family:train:11:0', 'ghost/haunt:train:10:0', 'ghost/haunt:train:11:0'].sort(),
    );
    expect(reasons[badId]).toMatch(/^bad job payload: /);
    expect(reasons[badId]).not.toContain('sk-secret');
    expect(reasons['ghost/haunt:train:10:0']).toBe('this worker cannot serve env ghost: unknown env ghost (known: counter)');
    expect(reasons['counter/no-such-family:train:10:0']).toMatch(/no-such-family/);
    expect(Object.values(reasons).every((reason) => !reason.includes('\n'))).toBe(true);
    expect(shown).toEqual(outcome.failed);
    // The worker kept serving: the one episode it could play is in the run.
    expect((await recordsOf(outcome.runDir)).map((r) => r.episodeId)).toEqual(['counter/reach-target:train:11:0']);
    await episodes.close();
  });

  it('fails an episode whose result is above the size limit, naming both sizes, writes nothing of it, and a resume runs it again', async () => {
    const queue = queueOn(redis.url);
    const config = await coordinatorConfig(queue, { tasksPerFamily: 1, group: 2 });
    const outcome = await closing([counterWorker(queue, { maxResultBytes: 1000 })], () => distributedRollout(config));
    expect(outcome.episodes).toBe(0);
    expect(outcome.failed).toHaveLength(2);
    for (const { reason } of outcome.failed) {
      expect(reason).toMatch(/^the episode's result is \d+ bytes \(0 blob\(s\) included\), above the queue's limit of 1000 bytes: nothing was written for it$/);
    }
    // A resume runs the failed episodes again (here on a worker with the default limit).
    const resumed = await closing([counterWorker(queue)], () => distributedRollout({ ...config, resume: true }));
    expect(resumed).toMatchObject({ planned: 2, skipped: 0, episodes: 2, failed: [] });
  });

  it('completes when Redis restarts mid-run (with its append-only file)', async () => {
    await using server = await startRedis({ appendOnly: true });
    const queue = queueOn(server.url);
    let restarted: Promise<void> | undefined;
    let restartDone = false;
    let writtenAfter = 0;
    const config = await coordinatorConfig(queue, {
      tasksPerFamily: 6,
      onProgress: (stats) => {
        if (restartDone) writtenAfter += 1;
        restarted ??= stats.newEpisodes >= 2 ? server.restart().then(() => void (restartDone = true)) : undefined;
      },
    });
    const worker = counterWorker(queue, { makeAgent: () => slowExpert(20) });
    const outcome = await closing([worker], () => distributedRollout(config));
    await restarted;
    expect(writtenAfter).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ planned: 12, episodes: 12, failed: [] });
    expect((await recordsOf(outcome.runDir)).map((r) => r.episodeId).sort()).toEqual(plannedIds([10, 11, 12, 13, 14, 15], 2));
    expect((await verifyRun(outcome.runDir)).ok).toBe(true);
  });

  it('drain gives the episodes in flight back to the queue past its deadline, and another worker plays them', async () => {
    const queue = queueOn(redis.url);
    const episodes = episodeQueue(queue);
    let bothStarted!: () => void;
    const started = new Promise<void>((resolve) => (bothStarted = resolve));
    let count = 0;
    const stuck = counterWorker(queue, { makeAgent: () => hangingAgent(), onEvent: (e) => e.kind === 'started' && ++count === 2 && bothStarted() });
    const config = await coordinatorConfig(queue, { tasksPerFamily: 1, group: 2 });
    const run = distributedRollout(config);
    await started;
    expect(await stuck.drain(200)).toEqual({ finished: 0, returned: 2 });
    expect(await Promise.all(plannedIds([10], 2).map((id) => episodes.getJobState(jobIdOf(id))))).toEqual(['waiting', 'waiting']);
    const outcome = await closing([counterWorker(queue)], () => run);
    expect(outcome).toMatchObject({ episodes: 2, failed: [] });
    await episodes.close();
  });

  it('drain lets the episodes in flight finish within a deadline they fit in, and their results are written', async () => {
    const queue = queueOn(redis.url);
    let bothStarted!: () => void;
    const started = new Promise<void>((resolve) => (bothStarted = resolve));
    let count = 0;
    const worker = counterWorker(queue, { makeAgent: () => slowExpert(20), onEvent: (e) => e.kind === 'started' && ++count === 2 && bothStarted() });
    const config = await coordinatorConfig(queue, { tasksPerFamily: 1, group: 2 });
    const run = distributedRollout(config);
    await started;
    expect(await worker.drain(60_000)).toEqual({ finished: 2, returned: 0 });
    expect(await run).toMatchObject({ episodes: 2, failed: [] });
  });

  it("hands a dead worker's episode to a live worker once its lock lapses (stallMs)", async () => {
    const queue = queueOn(redis.url);
    const config = await coordinatorConfig(queue, { tasksPerFamily: 2, group: 1 });
    const run = distributedRollout(config);
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', dyingWorker, redis.url, queue.name!], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let taken: string | undefined;
    for await (const line of createInterface({ input: child.stdout! })) {
      taken = /^started (.+)$/.exec(line)?.[1];
      if (taken) break;
    }
    child.kill('SIGKILL');
    await exited;
    const outcome = await closing([counterWorker(queue, { workerId: 'live' })], () => run);
    expect(outcome).toMatchObject({ episodes: 2, failed: [] });
    expect(plannedIds([10, 11], 1)).toContain(taken);
    expect(outcome.stats.workers).toEqual([expect.objectContaining({ workerId: 'live', done: 2 })]);
  });
});

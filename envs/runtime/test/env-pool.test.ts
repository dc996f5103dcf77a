import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerExitedError, type EnvClient } from '@workgym/protocol';
import { connectDocker, DockerRuntime, EnvPool, InstanceStartError, LABEL_RUN, LocalRuntime, PoolClosedError, type EnvServerSpec } from '../src/index.js';
import { call, counterSpec, killingStarts } from './helpers.js';

const run = promisify(execFile);
const leaseAfterFailedStart = fileURLToPath(new URL('./fixtures/lease-after-failed-start.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const runtime = new DockerRuntime({ runId: `test-env-pool-${process.pid}` });
let spec: EnvServerSpec;

async function containersOfRun(runId = runtime.runId): Promise<string[]> {
  const list = await connectDocker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
  return list.map((c) => c.Id);
}

/** Plays an episode to the end with the expert (its `jump` strategy: two steps). */
async function solve(client: EnvClient, seed: number): Promise<number> {
  const { session } = await client.reset({ family: 'counter/reach-target', seed });
  let reward = -1;
  for (let i = 0; i < 10 && reward < 0; i++) {
    const reply = await client.step(session, (await client.expert(session, { strategy: 'jump' })).calls);
    if (reply.terminated) reward = reply.reward;
  }
  await client.closeSession(session);
  return reward;
}

beforeAll(async () => {
  spec = await counterSpec();
});

afterAll(async () => {
  expect(await containersOfRun()).toEqual([]);
});

describe('EnvPool', () => {
  it('leases up to the sessions an instance serves and makes the next caller wait for a release', async () => {
    await using pool = await EnvPool.create({ runtime, spec, size: 1, sessionsPerInstance: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(a.instance.id).toBe(b.instance.id);
    let third = false;
    const waiting = pool.acquire().then((lease) => ((third = true), lease));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(third).toBe(false);
    expect(pool.stats).toMatchObject({ instances: 1, leased: 2, waiting: 1 });
    await a.release();
    const c = await waiting;
    expect(c.instance.id).toBe(a.instance.id);
    await b.release();
    await c.release();
    expect(pool.stats.leased).toBe(0);
  });

  it('never hands one single-session instance to two concurrent acquires, even while health-checking it', async () => {
    await using pool = await EnvPool.create({ runtime: new LocalRuntime(), spec, size: 1, sessionsPerInstance: 1, healthCheckAfterMs: 0 });
    const results: string[] = [];
    const first = pool.acquire().then((lease) => (results.push('first'), lease));
    const second = pool.acquire().then((lease) => (results.push('second'), lease));
    const a = await first;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(results).toEqual(['first']);
    expect(pool.stats).toMatchObject({ leased: 1, waiting: 1 });
    await a.release();
    const b = await second;
    expect(b.instance.id).toBe(a.instance.id);
    await b.release();
  });

  it('serves an earlier acquire first when a later one health-checks the instance it skipped', async () => {
    await using pool = await EnvPool.create({ runtime: new LocalRuntime(), spec, size: 1, sessionsPerInstance: 1, healthCheckAfterMs: 0 });
    const warm = await pool.acquire();
    // The release marks the instance good this millisecond, so the first acquire leases it without
    // a ping; the second, a millisecond later, finds it stale and pings it before the first leases.
    const tick = Date.now();
    while (Date.now() === tick);
    await warm.release();
    const results: string[] = [];
    const first = pool.acquire().then((lease) => (results.push('first'), lease));
    const firstAt = Date.now();
    while (Date.now() === firstAt);
    const second = pool.acquire().then((lease) => (results.push('second'), lease));
    const a = await first;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(results).toEqual(['first']);
    await a.release();
    await (await second).release();
  });

  it('replaces a container killed with docker kill mid-episode; the next lease finishes the episode', async () => {
    await using pool = await EnvPool.create({ runtime, spec, size: 1 });
    const lease = await pool.acquire();
    const { session } = await lease.client.reset({ family: 'counter/reach-target', seed: 3 });
    const pending = lease.client.step(session, [call('sleep', { ms: 20_000 })]).catch((e: unknown) => e);
    await run('docker', ['kill', lease.instance.id]);
    expect(await pending).toBeInstanceOf(ServerExitedError);
    await lease.release({ fault: true });
    const next = await pool.acquire();
    expect(next.instance.id).not.toBe(lease.instance.id);
    expect(await solve(next.client, 3)).toBe(1);
    await next.release();
    expect(pool.stats.replaced).toBeGreaterThanOrEqual(1);
    expect(pool.stats.instances).toBe(1);
  });

  it('replaces an instance that died while idle before leasing it', async () => {
    await using pool = await EnvPool.create({ runtime, spec, size: 1 });
    const first = await pool.acquire();
    const firstId = first.instance.id;
    await first.release();
    await run('docker', ['kill', firstId]);
    await first.instance.exited;
    const next = await pool.acquire();
    expect(next.instance.id).not.toBe(firstId);
    expect(await solve(next.client, 4)).toBe(1);
    await next.release();
  });

  it('recycles an instance after maxLeasesPerInstance leases', async () => {
    await using pool = await EnvPool.create({ runtime: new LocalRuntime(), spec, size: 1, maxLeasesPerInstance: 2 });
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const lease = await pool.acquire();
      ids.push(lease.instance.id);
      await lease.release();
    }
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('runs episodes in parallel across instances', async () => {
    await using pool = await EnvPool.create({ runtime, spec, size: 2, sessionsPerInstance: 1 });
    const rewards = await Promise.all(
      [1, 2, 3, 4].map(async (seed) => {
        await using lease = await pool.acquire();
        return solve(lease.client, seed);
      }),
    );
    expect(rewards).toEqual([1, 1, 1, 1]);
    expect(pool.stats.started).toBe(2);
  });

  it('stops a waiting acquire when its signal aborts, and refuses leases once closed', async () => {
    const pool = await EnvPool.create({ runtime, spec, size: 1, sessionsPerInstance: 1 });
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(pool.stats.waiting).toBe(0);
    await held.release();
    await pool.close();
    await expect(pool.acquire()).rejects.toBeInstanceOf(PoolClosedError);
    expect(await containersOfRun()).toEqual([]);
  });

  it('fails acquire with the start error when the env cannot start', async () => {
    await expect(EnvPool.create({ runtime, spec: { ...spec, image: 'workgym/nope:0' }, size: 1 })).rejects.toThrow(/not built/);
  });

  it('retries a container killed while the pool warms up: create still brings every instance up', async () => {
    const killing = killingStarts(runtime, (start) => start === 1);
    await using pool = await EnvPool.create({ runtime: killing, spec, size: 2 });
    expect(killing.starts).toBe(3);
    expect(pool.stats).toMatchObject({ instances: 2, started: 2 });
    await using lease = await pool.acquire();
    expect(await solve(lease.client, 5)).toBe(1);
  });

  it('gives up on create only after maxStartAttempts starts in a row died, naming the cause', async () => {
    const killing = killingStarts(runtime, () => true);
    const failure = EnvPool.create({ runtime: killing, spec, size: 1, maxStartAttempts: 3 });
    await expect(failure).rejects.toBeInstanceOf(InstanceStartError);
    await expect(failure).rejects.toThrow(/\(3 attempts in a row failed\): the env server closed its output/);
    expect(killing.starts).toBe(3);
  });

  it('keeps the process alive while a failed start waits for its retry, so a waiting acquire gets its lease', async () => {
    const label = `test-env-pool-retry-${process.pid}`;
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', leaseAfterFailedStart, label]);
    expect(stdout).toContain('leased a new instance: true, starts 3');
    expect(await containersOfRun(label)).toEqual([]);
  });

  it('serves acquires in the order they came, even when the first one finds the instance dead at its health check', async () => {
    await using pool = await EnvPool.create({ runtime, spec, size: 1, sessionsPerInstance: 1, healthCheckAfterMs: 0 });
    const warm = await pool.acquire();
    const paused = warm.instance.id;
    await warm.release();
    await run('docker', ['pause', paused]);
    const order: string[] = [];
    const first = pool.acquire().then((lease) => (order.push('first'), lease));
    const second = pool.acquire().then((lease) => (order.push('second'), lease));
    const a = await Promise.race([first, second]);
    expect(order).toEqual(['first']);
    expect(a.instance.id).not.toBe(paused);
    await a.release();
    const b = await second;
    expect(b.instance.id).toBe(a.instance.id);
    await b.release();
  });

  it('leases no session of an instance while its health check runs (the counter server serves 4 sessions)', async () => {
    await using pool = await EnvPool.create({ runtime, spec, size: 1, healthCheckAfterMs: 0 });
    const warm = await pool.acquire();
    const paused = warm.instance.id;
    await warm.release();
    await run('docker', ['pause', paused]);
    const leases = await Promise.all([pool.acquire(), pool.acquire()]);
    expect(leases.map((lease) => lease.instance.id === paused)).toEqual([false, false]);
    await Promise.all(leases.map((lease) => lease.release()));
  });

  it('replaces an idle instance that stops answering (a paused container) before anyone leases it', async () => {
    await using pool = await EnvPool.create({ runtime, spec, size: 1, healthCheckAfterMs: 1_000 });
    const first = await pool.acquire();
    const paused = first.instance.id;
    await first.release();
    await run('docker', ['pause', paused]);
    while (pool.stats.replaced === 0) await sleep(200);
    // Retiring it removes the paused container (the test's timeout fails it if it never goes).
    while ((await containersOfRun()).includes(paused)) await sleep(200);
    await using next = await pool.acquire();
    expect(next.instance.id).not.toBe(paused);
    expect(await solve(next.client, 6)).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { CounterEnv } from '@workgym/protocol/testing';
import { EnvPool, InProcessRuntime, inProcessSpec } from '../src/index.js';

// Where a pool puts sessions: over instances (spread) and how many instances lanes need (pack).

/** A runtime of counter servers that each serve `maxSessions` sessions, counting the instances it made. */
function counters(maxSessions: number): InProcessRuntime & { made: CounterEnv[] } {
  const made: CounterEnv[] = [];
  const runtime = new InProcessRuntime({ counter: () => (made.push(new CounterEnv(maxSessions)), made.at(-1)!) });
  return Object.assign(runtime, { made });
}

describe('EnvPool placement', () => {
  it('leases concurrent sessions on the least-loaded instance, so lanes spread over the containers', async () => {
    await using pool = await EnvPool.create({ runtime: counters(4), spec: inProcessSpec('counter'), size: 2 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    expect(a.instance.id).not.toBe(b.instance.id);
    const c = await pool.acquire();
    const d = await pool.acquire();
    expect(new Set([a, b, c, d].map((lease) => lease.instance.id)).size).toBe(2);
    expect([c.instance.id, d.instance.id].sort()).toEqual([a.instance.id, b.instance.id].sort());
    // A freed session on the second instance makes it the least loaded again.
    await b.release();
    expect((await pool.acquire()).instance.id).toBe(b.instance.id);
  });

  it('packs lanes onto ceil(lanes / sessions per instance) instances', async () => {
    const runtime = counters(4);
    await using pool = await EnvPool.create({ runtime, spec: inProcessSpec('counter'), lanes: 5, sessionsPerInstance: 4 });
    expect(pool.stats.instances).toBe(2);
    const leases = await Promise.all(Array.from({ length: 5 }, () => pool.acquire()));
    expect(new Set(leases.map((lease) => lease.instance.id)).size).toBe(2);
    expect(runtime.made).toHaveLength(2);
  });

  it('never leases more sessions on an instance than its server serves, starting more instances for the lanes instead', async () => {
    const runtime = counters(2);
    await using pool = await EnvPool.create({ runtime, spec: inProcessSpec('counter'), lanes: 4, sessionsPerInstance: 4 });
    const leases = await Promise.all(Array.from({ length: 4 }, () => pool.acquire()));
    const perInstance = new Map<string, number>();
    for (const lease of leases) perInstance.set(lease.instance.id, (perInstance.get(lease.instance.id) ?? 0) + 1);
    expect([...perInstance.values()]).toEqual([2, 2]);
    expect(pool.stats).toMatchObject({ instances: 2, leased: 4 });
  });
});

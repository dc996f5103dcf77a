import { describe, expect, it } from 'vitest';
import { CounterEnv } from '@workgym/protocol/testing';
import { EnvPool, InProcessRuntime, inProcessSpec } from '../src/index.js';

describe('InProcessRuntime', () => {
  it('serves a fresh env per instance over the real protocol, and closing one ends that instance', async () => {
    const made: CounterEnv[] = [];
    const runtime = new InProcessRuntime({ counter: () => (made.push(new CounterEnv(8)), made.at(-1)!) });
    await using pool = await EnvPool.create({ runtime, spec: inProcessSpec('counter'), size: 2, sessionsPerInstance: 1 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    expect(a.instance.id).not.toBe(b.instance.id);
    expect(made).toHaveLength(2);
    const { session } = await a.client.reset({ family: 'counter/reach-target', seed: 1 });
    expect((await a.client.expert(session, {})).calls.length).toBeGreaterThan(0);
    await a.instance.close();
    expect(a.instance.alive).toBe(false);
    expect(await a.instance.exited).toEqual({ exitCode: 0, signal: null });
    await a.release({ fault: true });
    await b.release();
  });

  it('names the envs it knows when asked for another', async () => {
    await expect(new InProcessRuntime({ counter: () => new CounterEnv(8) }).start(inProcessSpec('code'))).rejects.toThrow(
      'no in-process env code (known: counter)',
    );
  });
});

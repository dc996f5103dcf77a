import { describe, expect, it } from 'vitest';
import { assertEnvConforms, ServerExitedError } from '@workgym/protocol';
import { LocalRuntime } from '../src/index.js';
import { call, counterSpec } from './helpers.js';

const runtime = new LocalRuntime();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('LocalRuntime', () => {
  it('passes the conformance suite with the server as a child process', async () => {
    await using instance = await runtime.start(await counterSpec());
    expect((await assertEnvConforms(instance.client, { seeds: [1, 2] })).ok).toBe(true);
  });

  it('leaves no process behind after close', async () => {
    const instance = await runtime.start(await counterSpec());
    const pid = Number(instance.id.replace('local-', ''));
    expect(processAlive(pid)).toBe(true);
    await instance.close();
    expect(instance.alive).toBe(false);
    expect(processAlive(pid)).toBe(false);
    expect(await instance.exited).toEqual({ exitCode: 0, signal: null });
  });

  it('surfaces a server killed mid-call as ServerExitedError with the signal', async () => {
    await using instance = await runtime.start(await counterSpec());
    const { session } = await instance.client.reset({ family: 'counter/reach-target', seed: 1 });
    const pending = instance.client.step(session, [call('sleep', { ms: 20_000 })]).catch((e: unknown) => e);
    process.kill(Number(instance.id.replace('local-', '')), 'SIGKILL');
    const error = (await pending) as ServerExitedError;
    expect(error).toBeInstanceOf(ServerExitedError);
    expect(error.details.signal).toBe('SIGKILL');
  });

  it('fails to start a missing bundle with the reason', async () => {
    const instance = await runtime.start({ name: 'ghost', serverBundle: '/nonexistent/server.mjs' });
    const error = (await instance.client.hello().catch((e: unknown) => e)) as ServerExitedError;
    expect(error).toBeInstanceOf(ServerExitedError);
    expect(error.message).toMatch(/Cannot find module/);
    await instance.close();
  });
});

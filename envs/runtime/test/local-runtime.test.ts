import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertEnvConforms, ServerExitedError } from '@workgym/protocol';
import { LocalRuntime, TaskPathError } from '../src/index.js';
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

  it('names the task sets in WORKGYM_TASKS as absolute paths, and refuses a missing one before starting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'workgym-tasks-'));
    try {
      await writeFile(join(dir, 'tasks.jsonl'), '');
      await using instance = await runtime.start({ ...(await counterSpec()), tasks: [relative(process.cwd(), join(dir, 'tasks.jsonl')), dir] });
      const environ = (await readFile(`/proc/${instance.id.replace('local-', '')}/environ`, 'utf8')).split('\0');
      expect(environ).toContain(`WORKGYM_TASKS=${JSON.stringify([join(dir, 'tasks.jsonl'), dir])}`);
      await expect(runtime.start({ ...(await counterSpec()), tasks: [join(dir, 'nope')] })).rejects.toBeInstanceOf(TaskPathError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not pass on a WORKGYM_TASKS of its own environment when the spec names none', async () => {
    process.env.WORKGYM_TASKS = '["/somewhere"]';
    try {
      await using instance = await runtime.start(await counterSpec());
      const environ = await readFile(`/proc/${instance.id.replace('local-', '')}/environ`, 'utf8');
      expect(environ).not.toContain('WORKGYM_TASKS=');
    } finally {
      delete process.env.WORKGYM_TASKS;
    }
  });
});

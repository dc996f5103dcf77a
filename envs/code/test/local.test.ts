// The code env on the local runtime (development: a child process of this Node, everything as the
// current user in a temporary directory). Not isolated, but it must not hang, crash or break
// on what an agent leaves either.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LocalRuntime, manifestServerSpec, type EnvInstance } from '@workgym/runtime';
import { CodeEnv, manifest } from '../src/index.js';
import { errorKind, open } from './helpers.js';

/** Whether a live process of this machine has `needle` in its command line. */
function running(needle: string): boolean {
  return readdirSync('/proc').some((entry) => {
    try {
      return /^\d+$/.test(entry) && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false; // the process ended while we looked
    }
  });
}

async function localInstance(): Promise<EnvInstance> {
  const spec = await manifestServerSpec(manifest, { runtime: 'local', bundleDir: join(tmpdir(), 'workgym-test') });
  const instance = await new LocalRuntime().start(spec, { callDeadlineMs: 60_000 });
  onTestFinished(() => instance.close());
  return instance;
}

describe('code env on the local runtime', () => {
  it('solves a task with the expert and judges it', { timeout: 300_000 }, async () => {
    const instance = await localInstance();
    for (const family of ['code/py-implement-function', 'code/js-fix-bug', 'code/sh-log-report']) {
      const ep = await open(instance.client, family);
      let reward = -1;
      for (let i = 0; i < 12 && reward < 0; i++) {
        const [action] = (await instance.client.expert(ep.session)).calls;
        const reply = await instance.client.step(ep.session, [action!]);
        if (reply.terminated) reward = reply.reward;
      }
      expect(reward, family).toBe(1);
      await ep.close();
    }
  });

  it('answers file tools on a FIFO at once and judges FIFOs and a /dev/zero output link', { timeout: 300_000 }, async () => {
    const instance = await localInstance();
    const ep = await open(instance.client, 'code/sh-log-report');
    await ep.bash('mkfifo p .workgym_harness.py && mkdir -p .case && mkfifo .case/input.log && echo made');
    for (const [name, args] of [
      ['read_file', { path: 'p' }],
      ['write_file', { path: 'p', content: 'x' }],
      ['edit_file', { path: 'p', old: 'a', new: 'b' }],
    ] as const) {
      expect(errorKind(await ep.step(name, args))).toBe('invalid_arguments');
    }
    await ep.step('write_file', { path: 'report.sh', content: 'ln -sf /dev/zero "$2"\n' });
    const submit = await ep.step('submit');
    expect(submit.verdict!.detail).toMatch(/got "<output is not a regular file>"/);
    await expect(instance.client.hello()).resolves.toMatchObject({ name: 'code' });
  });

  it('resets after trees 3,000 deep with directories their owner cannot write', { timeout: 300_000 }, async () => {
    const instance = await localInstance();
    const family = 'code/py-implement-function';
    const first = await open(instance.client, family);
    const listing = async (ep: typeof first) => (await ep.bash('ls -A')).replace(/\(\d+ ms\)/, '');
    const clean = await listing(first);
    await first.bash(
      `python3 -c "import os\nfor _ in range(3000): os.mkdir('d'); os.chdir('d')" && mkdir -p locked/inner && chmod 000 locked/inner && chmod 500 locked d && echo built`,
    );
    expect((await first.step('submit')).verdict!.reward).toBe(0);
    await first.close();
    const second = await open(instance.client, family);
    expect(await listing(second)).toBe(clean);
  });

  it('ends the process group of a command with the command', async () => {
    const instance = await localInstance();
    const ep = await open(instance.client, 'code/py-fix-bug');
    const marker = `workgym-local-${process.pid}`;
    await ep.bash(`(exec -a ${marker} sleep 900) & echo started`);
    // The bracket keeps the pattern from matching the shell that runs pgrep.
    expect(await ep.bash(`pgrep -f '${marker.slice(0, -1)}[${marker.slice(-1)}]' || echo none`)).toMatch(/stdout ---\nnone$/);
  });

  it('closes the sessions it opened when it closes: a command still running ends with them', { timeout: 120_000 }, async () => {
    const env = new CodeEnv();
    onTestFinished(() => env.close());
    const signal = new AbortController().signal;
    const session = await env.reset({ family: 'code/py-fix-bug', seed: 1, split: 'train', options: {} }, signal);
    const marker = `workgym-close-${process.pid}`;
    const command = session.step({ id: 'c1', name: 'bash', arguments: { command: `exec -a ${marker} sleep 900`, timeout_s: 600 } }, signal);
    while (!running(marker)) await sleep(50);
    await env.close();
    await command.catch(() => undefined);
    expect(running(marker)).toBe(false);
    await expect(session.step({ id: 'c2', name: 'run_tests', arguments: {} }, signal)).rejects.toMatchObject({ remoteCode: 'unknown_session' });
  });
});

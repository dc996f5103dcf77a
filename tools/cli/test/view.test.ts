import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '@workgym/trajectories';
import { FAST_CLI_ARGS, workgym } from './run-cli.js';

// `workgym view`: serves until a signal and exits cleanly; a source it cannot open is one line
// and exit 2; a port in use, one line and exit 1; --bundle writes a site.

let dir: string;
let run: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-view-cli-'));
  run = join(dir, 'run');
  const writer = await createRun(run);
  await writer.append({ episodeId: 'ep-1', env: 'code', family: 'code/sql-query', job: 'data-analyst', status: 'success', success: true, steps: [] });
  await writer.finalize();
  await writer.close();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('workgym view', () => {
  it('prints its URL, serves the run, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [...FAST_CLI_ARGS, 'view', run], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        const found = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (found) resolve(found[1]!);
      });
      void exited.then(() => reject(new Error(`exited before serving:\n${output}`)));
    });
    const sources = (await (await fetch(new URL('/api/sources', url))).json()) as { kind: string; path: string }[];
    expect(sources).toEqual([{ id: 'r0', kind: 'run', path: run, name: 'run' }]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('rollout --view serves the run it writes, and keeps serving it after the rollout until SIGINT', { timeout: 300_000 }, async () => {
    const out = join(dir, 'rolled');
    const child = spawn(
      process.execPath,
      [...FAST_CLI_ARGS, 'rollout', '--agent', 'expert', '--family', 'code/sql-query', '--episodes', '1', '--runtime', 'local', '--out', out, '--view'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        const found = /\[rollout\] the viewer still serves .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (found) resolve(found[1]!);
      });
      void exited.then(() => reject(new Error(`exited before serving:\n${output}`)));
    });
    expect(output).toContain(`[rollout] viewer: serving ${out} at ${url}`);
    const overview = (await (await fetch(new URL('/api/overview?source=r0', url))).json()) as { episodes: number; live: boolean };
    expect(overview).toMatchObject({ episodes: 1, live: false });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('says in one line, exit 2, when a source is missing or not something it reads', async () => {
    const missing = await workgym('view', join(dir, 'nope'));
    expect([missing.code, missing.stderr]).toEqual([2, `workgym: ${join(dir, 'nope')}: no such file or folder\n`]);
    const notRun = await workgym('view', dir);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toMatch(/^workgym: .*: not a run folder, training folder, eval JSON or transfer folder \(nothing the viewer reads is in it\)\n$/);
  });

  it('says in one line, exit 1, when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await workgym('view', run, '--port', String(port));
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n')[0]).toBe(`workgym: cannot listen on 127.0.0.1:${port}: the port is in use; pick another --port or --host`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });

  it('writes a bundle with --bundle', async () => {
    const out = join(dir, 'bundle');
    const result = await workgym('view', run, '--bundle', out, '--episodes', 'ep-1');
    expect(result.stdout).toBe(`wrote ${out}: 1 episode, 0 images; open ${join(out, 'index.html')} in a browser\n`);
    expect(result.code).toBe(0);
    expect(['index.html', 'data/sources.js', 'data/r0/rows.js', 'data/r0/episode-0.js'].filter((f) => !existsSync(join(out, f)))).toEqual([]);
  });
});

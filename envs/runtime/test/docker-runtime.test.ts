import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEnvConforms, ServerExitedError } from '@workgym/protocol';
import { connectDocker, DockerRuntime, ImageMissingError, LABEL_RUN, TaskPathError, type EnvInstance, type EnvServerSpec } from '../src/index.js';
import { call, counterSpec } from './helpers.js';

const run = promisify(execFile);
const runtime = new DockerRuntime({ runId: `test-docker-runtime-${process.pid}` });
const docker = connectDocker();
let spec: EnvServerSpec;
let shared: EnvInstance;

/** Runs a shell command inside the container as its own user, with its own limits. */
async function inside(instance: EnvInstance, script: string): Promise<{ code: number; out: string }> {
  const result = await run('docker', ['exec', instance.id, 'sh', '-c', script], { timeout: 60_000 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  return result;
}

beforeAll(async () => {
  spec = await counterSpec();
  shared = await runtime.start(spec);
});

afterAll(async () => {
  await shared?.close();
});

describe('DockerRuntime', () => {
  it('passes the conformance suite through a container attached over stdio', async () => {
    const report = await assertEnvConforms(shared.client, { seeds: [1, 2] });
    expect(report.ok).toBe(true);
    expect(shared.imageId).toMatch(/^sha256:/);
  });

  it('creates the container hardened: no network, no capabilities, read-only root, limits, labels', async () => {
    const info = await docker.getContainer(shared.id).inspect();
    expect(info.HostConfig).toMatchObject({
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Init: true,
      PidsLimit: 256,
      NanoCpus: 1_000_000_000,
    });
    expect(info.HostConfig.Memory).toBeGreaterThan(0);
    expect(info.HostConfig.MemorySwap).toBe(info.HostConfig.Memory);
    expect(info.HostConfig.LogConfig).toMatchObject({ Type: 'json-file', Config: { 'max-size': '1m' } });
    expect(info.HostConfig.Ulimits).toEqual([{ Name: 'nofile', Soft: 4096, Hard: 4096 }]);
    expect(info.Config.Labels).toMatchObject({ [LABEL_RUN]: runtime.runId, 'workgym.env': 'counter' });
    expect(info.Config.User).toBe('10001:10001');
  });

  it('runs the server as a non-root user with no capabilities and no new privileges', async () => {
    const { out } = await inside(shared, 'id -u; grep -E "^(CapEff|NoNewPrivs)" /proc/1/status /proc/self/status');
    expect(out.split('\n')[0]).toBe('10001');
    expect(out).toMatch(/self\/status:CapEff:\s+0000000000000000/);
    expect(out).toMatch(/self\/status:NoNewPrivs:\s+1/);
  });

  it('cannot write to / but can write to its size-capped /tmp', async () => {
    expect((await inside(shared, 'touch /evil')).out).toMatch(/Read-only file system/);
    expect((await inside(shared, 'echo ok > /tmp/ok && cat /tmp/ok')).out.trim()).toBe('ok');
    const filled = await inside(shared, 'head -c 100000000 /dev/zero > /tmp/big; echo rc=$?');
    expect(filled.out).toMatch(/No space left on device/);
  });

  it('has no network but loopback', async () => {
    const { out } = await inside(shared, 'ls /sys/class/net');
    expect(out.trim().split(/\s+/)).toEqual(['lo']);
    const connect = await inside(
      shared,
      `node -e "require('net').connect(53, '1.1.1.1').on('error', e => { console.log(e.code); process.exit(0) }).on('connect', () => console.log('CONNECTED'))"`,
    );
    expect(connect.out).toMatch(/ENETUNREACH|EHOSTUNREACH|ENETDOWN/);
  });

  it('holds its pids limit against a fork bomb and keeps serving', async () => {
    const bomb = await inside(shared, 'i=0; while [ $i -lt 600 ]; do sleep 300 >/dev/null 2>&1 & i=$((i+1)); done 2>&1; echo spawned');
    expect(bomb.out).toMatch(/Resource temporarily unavailable|Cannot fork|can't fork/i);
    const info = await docker.getContainer(shared.id).top();
    expect(info.Processes.length).toBeLessThanOrEqual(256);
    await inside(shared, 'kill $(pgrep -x sleep) 2>/dev/null; true');
    await expect(shared.client.hello()).resolves.toMatchObject({ name: 'counter' });
  });

  it('surfaces a container killed mid-call as ServerExitedError', async () => {
    const instance = await runtime.start(spec);
    const { session } = await instance.client.reset({ family: 'counter/reach-target', seed: 1 });
    const pending = instance.client.step(session, [call('sleep', { ms: 20_000 })]).catch((e: unknown) => e);
    await run('docker', ['kill', instance.id]);
    const error = (await pending) as ServerExitedError;
    expect(error).toBeInstanceOf(ServerExitedError);
    expect(error.details.exitCode).toBe(137);
    await instance.close();
  });

  it('removes its container on close and leaves none of this run behind', async () => {
    const instance = await runtime.start(spec);
    await instance.close();
    await expect(docker.getContainer(instance.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } });
    expect(left.map((c) => c.Id)).toEqual([shared.id]);
  });

  it('refuses to start an env whose image is not built, saying how to build it', async () => {
    await expect(runtime.start({ ...spec, image: 'workgym/nope:0000' })).rejects.toBeInstanceOf(ImageMissingError);
    await expect(runtime.start({ ...spec, image: 'workgym/nope:0000' })).rejects.toThrow(/workgym images build/);
  });
});

describe('DockerRuntime with task sets', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'workgym-tasks-'));
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'suite'), { mode: 0o755 });
    await writeFile(join(dir, 'suite', 'task.json'), '{"id":"a"}', { mode: 0o644 });
    await writeFile(join(dir, 'tasks.jsonl'), '{"id":"b"}\n');
    // Writable by anyone on the host: only the mount stops the server writing it.
    await chmod(join(dir, 'tasks.jsonl'), 0o666);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('mounts each read-only at /workgym/tasks/<n>/<name>, names them in WORKGYM_TASKS, and keeps the hardening', async () => {
    // One path relative to the working folder: the runtime makes it absolute.
    await using instance = await runtime.start({ ...spec, tasks: [join(dir, 'suite'), relative(process.cwd(), join(dir, 'tasks.jsonl'))] });
    expect((await inside(instance, 'echo "$WORKGYM_TASKS"')).out.trim()).toBe('["/workgym/tasks/0/suite","/workgym/tasks/1/tasks.jsonl"]');
    expect((await inside(instance, 'id -u; cat /workgym/tasks/0/suite/task.json /workgym/tasks/1/tasks.jsonl')).out).toBe('10001\n{"id":"a"}{"id":"b"}\n');
    expect((await inside(instance, 'touch /workgym/tasks/0/suite/new; echo x >> /workgym/tasks/1/tasks.jsonl')).out).toMatch(
      /Read-only file system[\s\S]*Read-only file system/,
    );
    expect((await inside(instance, 'touch /evil')).out).toMatch(/Read-only file system/);
    const info = await docker.getContainer(instance.id).inspect();
    expect(info.HostConfig).toMatchObject({ NetworkMode: 'none', CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true, PidsLimit: 256 });
    expect(info.Config.User).toBe('10001:10001');
    // Docker lists mounts in no fixed order.
    const binds = info.Mounts.filter((m) => m.Type === 'bind').map((m) => ({ source: m.Source, target: m.Destination, rw: m.RW }));
    expect(binds.sort((a, b) => a.target.localeCompare(b.target))).toEqual([
      { source: join(dir, 'suite'), target: '/workgym/tasks/0/suite', rw: false },
      { source: join(dir, 'tasks.jsonl'), target: '/workgym/tasks/1/tasks.jsonl', rw: false },
    ]);
    expect((await inside(instance, 'ls /sys/class/net')).out.trim()).toBe('lo');
  });

  it('refuses a missing path or one the server user cannot read before any container starts', async () => {
    const before = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } });
    await expect(runtime.start({ ...spec, tasks: [join(dir, 'missing')] })).rejects.toThrow(`--tasks ${join(dir, 'missing')}: no such file or folder`);
    await writeFile(join(dir, 'suite', 'secret.json'), '{}', { mode: 0o600 });
    const refused = runtime.start({ ...spec, tasks: [join(dir, 'suite')] });
    await expect(refused).rejects.toBeInstanceOf(TaskPathError);
    await expect(runtime.start({ ...spec, tasks: [join(dir, 'suite')] })).rejects.toThrow(
      `--tasks ${join(dir, 'suite')} (${join(dir, 'suite', 'secret.json')}): the env server's user (uid 10001) cannot read it; files need o+r`,
    );
    await rm(join(dir, 'suite', 'secret.json'));
    await chmod(join(dir, 'suite'), 0o750);
    await expect(runtime.start({ ...spec, tasks: [join(dir, 'suite')] })).rejects.toThrow(/cannot read it; folders need o\+rx/);
    await chmod(join(dir, 'suite'), 0o755);
    const after = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } });
    expect(after.map((c) => c.Id)).toEqual(before.map((c) => c.Id));
  });
});

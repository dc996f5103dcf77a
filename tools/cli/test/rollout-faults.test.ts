// A real `workgym rollout` process against real code-env containers that the test kills.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDocker, LABEL_ENV, LABEL_OWNER } from '@workgym/runtime';
import { FAST_CLI_ARGS, workgym } from './run-cli.js';

const docker = connectDocker();
const watches: Readable[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const watch of watches.splice(0)) watch.destroy();
  for (const child of children.splice(0)) child.kill('SIGKILL'); // one that hung past the test's timeout
});

interface ContainerEvent {
  id: string;
  action: 'create' | 'start';
  owner: string;
}

/** Calls `on` for every code-env container created or started from now on, whoever owns it. */
async function watchContainers(on: (event: ContainerEvent) => void): Promise<void> {
  const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['create', 'start'], label: [`${LABEL_ENV}=code`] } })) as Readable;
  watches.push(stream);
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as { id: string; Action: ContainerEvent['action']; Actor: { Attributes: Record<string, string> } };
      on({ id: event.id, action: event.Action, owner: event.Actor.Attributes[LABEL_OWNER] ?? '' });
    }
  });
}

/** Starts `workgym ...args`; `pid` names it in its containers' owner label. */
function startWorkgym(...args: string[]) {
  const child = spawn(process.execPath, [...FAST_CLI_ARGS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { owner: `${hostname()}:${child.pid}`, done };
}

/** Bytes in the run's episode shards: they grow as soon as an episode is recorded. */
const shardBytes = (run: string) => {
  const dir = join(run, 'shards');
  return existsSync(dir) ? readdirSync(dir).reduce((n, name) => n + statSync(join(dir, name)).size, 0) : 0;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const remove = (id: string) =>
  docker
    .getContainer(id)
    .remove({ force: true })
    .catch(() => undefined);
const manifest = (run: string) => JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')) as { status: string };
const newRun = async () => join(await mkdtemp(join(tmpdir(), 'workgym-cli-faults-')), 'run');
const rolloutArgs = (run: string, episodes = 2) => [
  'rollout',
  '--env',
  'code',
  '--family',
  'code/sql-query',
  '--agent',
  'expert',
  '--episodes',
  String(episodes),
  '--parallel',
  '1',
  '--out',
  run,
];

describe('workgym rollout when env containers die', () => {
  it('finishes the run when a container is killed and then its replacement as it starts', { timeout: 600_000 }, async () => {
    const run = await newRun();
    let owner = '';
    const seen: string[] = [];
    await watchContainers((event) => {
      if (event.owner !== owner) return;
      if (event.action === 'start' && seen.length === 0) {
        seen.push(event.id);
        // Killed once the first episode is recorded, with five still to run.
        void (async () => {
          const empty = shardBytes(run);
          while (shardBytes(run) <= empty) await sleep(20);
          await remove(event.id);
        })();
      } else if (event.action === 'create' && seen.length === 1) {
        seen.push(event.id);
        void remove(event.id); // the replacement, before it can answer
      }
    });
    const cli = startWorkgym(...rolloutArgs(run, 6));
    owner = cli.owner;
    const result = await cli.done;
    expect(seen).toHaveLength(2);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`6 episodes in ${run}`);
    expect(manifest(run).status).toBe('finalised');
    expect(existsSync(join(run, 'writer.lock'))).toBe(false);
  });

  it('fails with one message when the env can never start, leaving the run resumable and unlocked', { timeout: 600_000 }, async () => {
    const run = await newRun();
    let owner = '';
    await watchContainers((event) => {
      if (event.owner === owner && event.action === 'create') void remove(event.id);
    });
    const cli = startWorkgym(...rolloutArgs(run));
    owner = cli.owner;
    const failed = await cli.done;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^workgym: could not start the code env server \(3 attempts in a row failed\): /m);
    expect(failed.stderr).toContain(`the run in ${run} keeps its 0 episode(s) and can be resumed (--resume) once the cause is fixed`);
    expect(failed.stderr).not.toMatch(/^\s+at /m);
    expect(manifest(run).status).toBe('open');
    expect(existsSync(join(run, 'writer.lock'))).toBe(false);

    owner = 'nobody';
    const resumed = await workgym(...rolloutArgs(run), '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(manifest(run).status).toBe('finalised');
  });
});

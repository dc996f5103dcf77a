// `workgym rollout --queue` and `workgym worker` as processes on a real redis-server: workers and a
// coordinator killed or drained mid-run. Containers only where they are the point (a dead worker's
// container and the reaper); the other runs use the local runtime. BullMQ's stall timing is cut to
// STALL_MS (WORKGYM_QUEUE_STALL_MS) so a dead worker's episode moves on in seconds, not 30 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker, LABEL_ENV, LABEL_OWNER } from '@workgym/runtime';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { startRedis, type RedisServer } from '../../../agents/test/redis-server.js';
import { FAST_CLI_ARGS, workgym } from './run-cli.js';

const STALL_MS = 1500;
const MINIWOB = fileURLToPath(new URL('../../../envs/browser/test/fixtures/miniwob', import.meta.url));
const children: ChildProcess[] = [];
const watches: Readable[] = [];
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(() => {
  for (const watch of watches.splice(0)) watch.destroy();
  for (const child of children.splice(0)) child.kill('SIGKILL'); // one a failed test left running
});
afterAll(async () => {
  await redis?.[Symbol.asyncDispose]();
});

interface Running {
  child: ChildProcess;
  /** What it wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves once its output matches `pattern` (rejects if it exits first). */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** Starts `workgym ...args` with the short stall timing; `env` adds variables. */
function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [...FAST_CLI_ARGS, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WORKGYM_QUEUE_STALL_MS: String(STALL_MS), ...env },
  });
  children.push(child);
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.filter((w) => w.pattern.test(output))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern) =>
      pattern.test(output)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ pattern, resolve })),
            exited.then(({ code, signal }) => {
              throw new Error(`workgym ${args.join(' ')} exited (${code ?? signal}) before printing ${pattern}:\n${output}`);
            }),
          ]),
  };
}

const newRun = async () => join(await mkdtemp(join(tmpdir(), 'workgym-cli-distributed-')), 'run');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Every record the run's shards hold, in store order (an episode written twice would be here twice). */
async function records(run: string): Promise<EpisodeRecord[]> {
  await using reader = await openRun(run);
  const all: EpisodeRecord[] = [];
  for await (const record of reader.records()) all.push(record);
  return all;
}

const spreadsheet = (queue: string, run: string, episodes: number, ...more: string[]) => [
  'rollout',
  '--env',
  'spreadsheet',
  '--family',
  'spreadsheet/clean-names',
  '--agent',
  'expert',
  '--episodes',
  String(episodes),
  '--queue',
  queue,
  '--out',
  run,
  ...more,
];
const worker = (queue: string, ...more: string[]) => ['worker', '--queue', queue, ...more];
const plannedIds = (family: string, episodes: number) => Array.from({ length: episodes }, (_, seed) => `${family}:train:${seed}:0`).sort();

describe('workgym rollout --queue with workgym worker processes', () => {
  it(
    "hands a SIGKILLed worker's episode to another worker, which a SIGTERM mid-episode drains; the next docker worker removes the dead one's container",
    { timeout: 600_000 },
    async () => {
      const docker = connectDocker();
      const run = await newRun();
      const codeWorker = () => start(worker(redis.url, '--queue-name', 'killed', '--env', 'code', '--parallel', '1'));
      const dying = codeWorker();
      // Killed as its container starts: its episode's job is taken and locked, not played yet.
      const orphan = firstContainer(dying.child);
      await dying.waitFor(/serving code/);
      const coordinator = start([
        'rollout',
        '--env',
        'code',
        '--family',
        'code/sql-query',
        '--agent',
        'expert',
        '--queue',
        redis.url,
        '--queue-name',
        'killed',
        '--out',
        run,
      ]);
      const orphanId = await orphan;
      dying.child.kill('SIGKILL');
      await dying.exited;
      expect(await containerExists(docker, orphanId)).toBe(true);

      // The reaper runs as the next docker worker starts; after STALL_MS that worker takes the episode over.
      const rescuer = codeWorker();
      await rescuer.waitFor(/serving code/);
      expect(await containerExists(docker, orphanId)).toBe(false);
      // SIGTERM as the episode starts: the drain lets it finish on the container it started on (one attempt).
      await rescuer.waitFor(/code\/sql-query:train:0:0: started/);
      rescuer.child.kill('SIGTERM');
      const drained = await rescuer.exited;
      expect(drained.code, drained.output).toBe(0);
      expect(drained.output).toContain('[worker] code/sql-query:train:0:0: success, result sent');
      expect(drained.output).toContain('[worker] drained: 1 episode(s) played in all, 0 given back to the queue; exiting');

      const done = await coordinator.exited;
      expect(done.code, done.output).toBe(0);
      expect(done.output).toContain(`1 episodes in ${run}`);
      expect((await records(run)).map((r) => r.episodeId)).toEqual(['code/sql-query:train:0:0']);
      expect((await workgym('data', 'verify', run)).code).toBe(0);
    },
  );

  it(
    'a coordinator SIGKILLed and started again with --resume finishes without running a stored episode again; the password is nowhere',
    { timeout: 600_000 },
    async () => {
      const password = `pw-${randomBytes(12).toString('hex')}`;
      await using locked = await startRedis({ password });
      const run = await newRun();
      const withPassword = locked.url.replace('redis://', `redis://:${password}@`);
      // The worker takes the password from the environment, the coordinator from the URL.
      const serving = start(worker(locked.url, '--env', 'spreadsheet', '--runtime', 'local', '--parallel', '1'), { WORKGYM_REDIS_PASSWORD: password });
      await serving.waitFor(/serving spreadsheet/);
      const first = start(spreadsheet(withPassword, run, 16));
      // Killed once the run holds an episode, with most still to come.
      await serving.waitFor(/: success, result sent/);
      while ((await records(run).catch(() => [])).length === 0) await sleep(50);
      first.child.kill('SIGKILL');
      await first.exited;
      const stored = await records(run);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.length).toBeLessThan(16);

      const resumed = start(spreadsheet(withPassword, run, 16, '--resume'));
      const done = await resumed.exited;
      expect(done.code, done.output).toBe(0);
      expect(done.output).toContain(`16 episodes in ${run} (${stored.length} were already there)`);
      const all = await records(run);
      expect(all.map((r) => r.episodeId!).sort()).toEqual(plannedIds('spreadsheet/clean-names', 16));
      // The stored episodes are the same records as before, not played again.
      for (const before of stored) expect(all.find((r) => r.episodeId === before.episodeId)).toEqual(before);
      expect((await workgym('data', 'verify', run)).code).toBe(0);
      expect(JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')).spec.caller.queue).toBe(locked.url);

      serving.child.kill('SIGTERM');
      const drained = await serving.exited;
      expect(drained.code, drained.output).toBe(0);
      for (const output of [first.output(), done.output, drained.output]) expect(output).not.toContain(password);
      for (const file of filesUnder(run)) expect(readFileSync(file).includes(password), file).toBe(false);

      const wrong = `pw-${randomBytes(12).toString('hex')}`;
      const refused = await workgym(...worker(locked.url.replace('redis://', `redis://:${wrong}@`), '--env', 'spreadsheet', '--runtime', 'local'));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`^workgym: cannot reach the queue at redis://127\\.0\\.0\\.1:${locked.port}: WRONGPASS[^\n]*\n$`));
      expect(refused.stdout + refused.stderr).not.toContain(wrong);
    },
  );

  it("a job a worker cannot serve fails with the worker's reason on the coordinator; the worker serves the rest", { timeout: 600_000 }, async () => {
    const run = await newRun();
    const queue = redis.url;
    // The worker serves both envs, but not the browser's task set: those jobs are refused before any env starts.
    const serving = start(worker(queue, '--queue-name', 'refused', '--env', 'browser,spreadsheet', '--runtime', 'local'));
    await serving.waitFor(/serving browser, spreadsheet/);
    const refused = await workgym(
      'rollout',
      '--env',
      'browser,spreadsheet',
      '--tasks',
      `browser=${MINIWOB}`,
      '--family',
      '{browser/miniwob.click-test,spreadsheet/clean-names}',
      '--agent',
      'submit',
      '--queue',
      queue,
      '--queue-name',
      'refused',
      '--out',
      run,
    );
    expect(refused.code).toBe(1);
    const reason = `this worker cannot serve env browser: task set ${MINIWOB} is not served by this worker (workgym worker --tasks browser=PATH)`;
    expect(refused.stderr.split('\n')).toContain(`[rollout] browser/miniwob.click-test:train:0:0 failed: ${reason}`);
    expect(refused.stdout).toContain(`ended with 1 of 2 episodes in ${run}; finish with the same command and --resume`);
    expect((await records(run)).map((r) => r.episodeId)).toEqual(['spreadsheet/clean-names:train:0:0']);
    expect(serving.child.exitCode).toBeNull();
    serving.child.kill('SIGTERM');
    expect((await serving.exited).code).toBe(0);
  });

  it('refuses, in one line, a queue URL that is not Redis, an address no Redis answers at, and what cannot be distributed', { timeout: 300_000 }, async () => {
    const notRedis = await workgym('worker', '--queue', 'http://user:hunter2@127.0.0.1:6379', '--env', 'spreadsheet');
    expect(notRedis.code).toBe(1);
    expect(notRedis.stderr).toMatch(/^workgym: the queue URL http:\/\/user:\*\*\*@127\.0\.0\.1:6379 is not a Redis URL/);
    expect(notRedis.stderr).not.toContain('hunter2');
    const nobody = await closedPort();
    for (const command of [
      worker(`redis://127.0.0.1:${nobody}`, '--env', 'spreadsheet', '--runtime', 'local'),
      spreadsheet(`redis://127.0.0.1:${nobody}`, await newRun(), 1),
    ]) {
      const unreachable = await workgym(...command);
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toMatch(new RegExp(`^workgym: cannot reach the queue at redis://127\\.0\\.0\\.1:${nobody}: [^\n]*ECONNREFUSED[^\n]*\n$`));
    }
    const replay = await workgym('rollout', '--agent', 'replay', '--from', 'runs/x', '--queue', redis.url, '--runtime', 'local', '--out', 'runs/y');
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(
      /^workgym: --queue: --agent replay reads --from on this machine, so it cannot run on workers; each worker chooses its runtime \(workgym worker --runtime\): drop --runtime$/m,
    );
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** The id of the first code-env container the process starts. */
async function firstContainer(child: ChildProcess): Promise<string> {
  const owner = `${hostname()}:${child.pid}`;
  const stream = (await connectDocker().getEvents({
    filters: { type: ['container'], event: ['start'], label: [`${LABEL_ENV}=code`, `${LABEL_OWNER}=${owner}`] },
  })) as Readable;
  watches.push(stream);
  const [chunk] = (await once(stream, 'data')) as [Buffer];
  return (JSON.parse(chunk.toString().split('\n')[0]!) as { id: string }).id;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function containerExists(docker: ReturnType<typeof connectDocker>, id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

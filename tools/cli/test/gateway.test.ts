import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { RemoteError, toolCall, wire, type DecodedResponse, type EnvClient, type Request, type RewardMode } from '@workgym/protocol';
import { connectGateway, GatewayConnectError } from '@workgym/runtime/gateway';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { FAST_CLI_ARGS } from './run-cli.js';

// `workgym gateway` as a real process, driven by connectGateway clients and raw WebSockets.

const TOKEN = randomBytes(24).toString('hex');
// Each gateway starts the CLI and its env servers: slow on a busy machine.
const GATEWAY_TEST_MS = 300_000;
const exec = promisify(execFile);

interface GatewayProcess {
  url: string;
  pid: number;
  output(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/** `workgym gateway --port 0 ...args` with the token in its environment, once it says where it serves. */
async function startGateway(...args: string[]): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...FAST_CLI_ARGS, 'gateway', '--port', '0', ...args], {
    env: { ...process.env, WORKGYM_GATEWAY_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = / at (ws:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`the gateway exited ${code} before serving:\n${output}`)));
  });
  return {
    url,
    pid: child.pid!,
    output: () => output,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Resolves once `predicate` holds; a generous deadline, not a timing assertion. */
async function waitFor(what: string, predicate: () => boolean): Promise<void> {
  for (const start = Date.now(); !predicate(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() - start > 120_000) throw new Error(`gave up waiting for ${what}`);
  }
}

/** The expert's calls until the episode ends; the session is closed. */
async function playExpert(client: EnvClient, family: string, seed: number) {
  const { session } = await client.reset({ family, seed });
  for (let i = 0; i < 60; i++) {
    const reply = await client.step(session, (await client.expert(session)).calls);
    if (reply.terminated || reply.truncated) {
      await client.closeSession(session);
      return reply;
    }
  }
  throw new Error(`the expert did not end ${family} in 60 steps`);
}

async function connect(url: string): Promise<EnvClient> {
  const client = await connectGateway(url, { token: TOKEN, deadlineMs: 240_000 });
  onTestFinished(() => client.close());
  return client;
}

/** A WebSocket that speaks to the gateway with bytes of the test's choosing. */
async function rawSocket(url: string, headers: Record<string, string>): Promise<{ socket: WebSocket; next(): Promise<DecodedResponse> }> {
  const socket = new WebSocket(url, { headers });
  const answers: DecodedResponse[] = [];
  const waiting: ((response: DecodedResponse) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const response = wire.Response.decode(data) as DecodedResponse;
    const taker = waiting.shift();
    if (taker) taker(response);
    else answers.push(response);
  });
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
  onTestFinished(() => socket.terminate());
  return { socket, next: () => (answers.length > 0 ? Promise.resolve(answers.shift()!) : new Promise((resolve) => waiting.push(resolve))) };
}

const request = (message: Request) => wire.Request.encode(message).finish();

describe('workgym gateway (local runtime: spreadsheet and code, one code session in all)', { timeout: GATEWAY_TEST_MS }, () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGateway('--env', 'spreadsheet,code', '--runtime', 'local', '--max-sessions-per-client', '2');
  }, GATEWAY_TEST_MS);
  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
    expect(gateway?.output()).not.toContain(TOKEN);
  });

  it('plays whole episodes of both envs for a client, and answers Hello and ListTasks from its pools', async () => {
    const client = await connect(gateway.url);
    expect(await client.hello()).toMatchObject({ name: 'spreadsheet,code', protocolVersion: 1, maxSessions: 2, capabilities: ['expert', 'candidates'] });
    const families = (await client.listTasks()).families.map((f) => f.id);
    expect(families).toEqual(expect.arrayContaining(['spreadsheet/computed-column', 'code/sql-query']));
    for (const [family, seed] of [
      ['spreadsheet/computed-column', 3],
      ['code/sql-query', 1],
    ] as const) {
      const end = await playExpert(client, family, seed);
      expect({ family, reward: end.reward, success: end.verdict?.success, terminated: end.terminated }).toEqual({
        family,
        reward: 1,
        success: true,
        terminated: true,
      });
    }
    await expect(client.reset({ family: 'browser/mail-find-answer', seed: 1 })).rejects.toThrow(/unknown_family: .*it serves spreadsheet, code/);
  });

  it("keeps the token from the env servers: an agent's bash does not see it", async () => {
    const client = await connect(gateway.url);
    const { session } = await client.reset({ family: 'code/sql-query', seed: 7 });
    const reply = await client.step(session, [toolCall('bash', { command: 'cat /proc/$PPID/environ /proc/self/environ | tr "\\0" "\\n"' })]);
    await client.closeSession(session);
    expect(reply.results[0]!.text).toContain('PATH=');
    expect(reply.results[0]!.text).not.toContain(TOKEN);
  });

  it('replaces the env server under a session whose call got no answer, once the session ends', async () => {
    const client = await connect(gateway.url);
    const { session } = await client.reset({ family: 'code/sql-query', seed: 8 });
    // The agent's bash stops the env server (its parent): the step is never answered.
    const stop = toolCall('bash', { command: 'kill -STOP $PPID' });
    await expect(client.step(session, [stop], { deadlineMs: 3_000 })).rejects.toThrow(/within 3000 ms|deadline_exceeded/);
    await waitFor('the gateway to count the session failed', () => gateway.output().includes(`session ${session} (code) failed: `));
    await client.closeSession(session);
    await waitFor('the env server to be replaced', () => /replacing code instance \S+: its lease reported a fault/.test(gateway.output()));
    const end = await playExpert(client, 'code/sql-query', 9);
    expect(end.verdict?.success).toBe(true);
  });

  it('refuses a connection without the token, or with another, before any frame (401)', async () => {
    await expect(connectGateway(gateway.url, { token: `${TOKEN}x` })).rejects.toThrow(GatewayConnectError);
    await expect(connectGateway(gateway.url, { token: `${TOKEN}x` })).rejects.toThrow(/refused the token \(401 Unauthorized\)/);
    const bare = new WebSocket(gateway.url).on('error', () => undefined);
    const status = await new Promise<number>((resolve) => bare.once('unexpected-response', (_req, res) => resolve(res.statusCode!)));
    bare.terminate();
    expect(status).toBe(401);
    await waitFor('the refusals to be logged', () => /: no bearer token\n/.test(gateway.output()));
    expect(gateway.output()).toMatch(/refused a connection from 127\.0\.0\.1:\d+: no bearer token/);
    expect(gateway.output()).toMatch(/refused a connection from 127\.0\.0\.1:\d+: wrong token/);
  });

  it("refuses one client's session id to another, and caps the sessions a client holds", async () => {
    const [owner, other] = [await connect(gateway.url), await connect(gateway.url)];
    const first = await owner.reset({ family: 'spreadsheet/computed-column', seed: 1 });
    await expect(other.step(first.session, [])).rejects.toThrow(/unknown_session/);
    await expect(other.closeSession(first.session)).rejects.toThrow(/unknown_session/);
    const second = await owner.reset({ family: 'spreadsheet/computed-column', seed: 2 });
    const refused = await owner.reset({ family: 'spreadsheet/computed-column', seed: 3 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RemoteError);
    expect((refused as RemoteError).remoteCode).toBe('too_many_sessions');
    // The owner's sessions are untouched; closing one makes room.
    expect((await owner.step(first.session, [])).stepIndex).toBe(1);
    await owner.closeSession(second.session);
    const third = await owner.reset({ family: 'spreadsheet/computed-column', seed: 3 });
    expect(third.session).not.toBe(first.session);
  });

  it("passes each reset's reward mode on: success by default, the shaped reward when asked, a mode no server knows refused", async () => {
    const client = await connect(gateway.url);
    const cut = async (reward?: RewardMode) => {
      const { session } = await client.reset({ family: 'spreadsheet/computed-column', seed: 4, maxSteps: 1, reward });
      const { verdict, truncated } = await client.step(session, []);
      await client.closeSession(session);
      expect({ truncated, success: verdict?.success }).toEqual({ truncated: true, success: false });
      return { reward: verdict!.reward, shaped: verdict!.shapedReward };
    };
    const paid = await cut();
    expect(paid.reward).toBe(0);
    expect(await cut('shaped')).toEqual({ reward: paid.shaped, shaped: paid.shaped });
    const end = await playExpert(client, 'spreadsheet/computed-column', 4);
    expect({ reward: end.reward, shaped: end.verdict?.shapedReward }).toEqual({ reward: 1, shaped: 1 });
    await expect(client.reset({ family: 'spreadsheet/computed-column', seed: 4, reward: 'partial' as RewardMode })).rejects.toThrow(
      /bad_request: reward "partial" is not one of success, shaped/,
    );
    await expect(client.reset({ family: 'spreadsheet/computed-column', seed: 4, people: 'client' })).rejects.toThrow(
      /bad_request: a gateway does not pass the playing of people on to its clients/,
    );
  });

  it('answers a frame that is no Request with bad_frame, as a stdio server does, and goes on', async () => {
    const raw = await rawSocket(gateway.url, { authorization: `Bearer ${TOKEN}` });
    raw.socket.send(Buffer.from([0xff, 0xff, 0xff]), { binary: true });
    expect((await raw.next()).error).toMatchObject({ code: 'bad_frame' });
    raw.socket.send('{"call": "hello"}');
    expect((await raw.next()).error).toMatchObject({ code: 'bad_frame', message: expect.stringContaining('binary WebSocket messages') });
    raw.socket.send(request({ id: 7, hello: { protocolVersion: 1 } }), { binary: true });
    expect(await raw.next()).toMatchObject({ id: 7, hello: { name: 'spreadsheet,code' } });
  });

  it('closes the sessions of a client that vanishes and gives their env server back', async () => {
    const raw = await rawSocket(gateway.url, { authorization: `Bearer ${TOKEN}` });
    raw.socket.send(request({ id: 1, reset: { family: 'code/sql-query', seed: 2 } }), { binary: true });
    expect((await raw.next()).reset?.session).toMatch(/^[0-9a-f-]{36}$/);
    // The code env's one session is leased: another reset waits for it.
    const client = await connect(gateway.url);
    const waiting = client.reset({ family: 'code/sql-query', seed: 3 });
    raw.socket.terminate(); // no close frame: the connection just drops
    expect((await waiting).task?.seed).toBe(3);
    await waitFor('the departure to be logged', () => gateway.output().includes('left (close code 1006)'));
    expect(gateway.output()).toMatch(/left \(close code 1006\); closing its 1 session\(s\)/);
  });
});

describe('workgym gateway (docker runtime, code env, 5 s idle timeout)', { timeout: GATEWAY_TEST_MS }, () => {
  it('plays an episode in a container, recycles a session left idle, and leaves no container on SIGTERM', async () => {
    const gateway = await startGateway('--env', 'code', '--runtime', 'docker', '--idle-timeout-s', '5');
    const containers = async () =>
      (await exec('docker', ['ps', '-aq', '--filter', `label=workgym.owner=${hostname()}:${gateway.pid}`])).stdout.trim().split('\n').filter(Boolean);
    try {
      const client = await connect(gateway.url);
      const end = await playExpert(client, 'code/sql-query', 4);
      expect({ reward: end.reward, success: end.verdict?.success }).toEqual({ reward: 1, success: true });
      expect(await containers()).toHaveLength(1);

      const idle = await client.reset({ family: 'code/sql-query', seed: 5 });
      await waitFor('the idle session to be closed', () => gateway.output().includes(`closed session ${idle.session} (code) after 5 s without a call`));
      await expect(client.step(idle.session, [])).rejects.toThrow(/unknown_session: session .* was closed after 5 s without a call/);
      // Its slot (the env's only one) was given back: another client's reset gets it.
      const other = await connect(gateway.url);
      expect((await other.reset({ family: 'code/sql-query', seed: 6 })).task?.seed).toBe(6);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
    expect(await containers()).toEqual([]);
  });

  it('refuses to start with no token configured: one line, exit 1', async () => {
    const { WORKGYM_GATEWAY_TOKEN: _, ...env } = process.env;
    const run = await exec(process.execPath, [...FAST_CLI_ARGS, 'gateway', '--env', 'spreadsheet', '--runtime', 'local'], { env }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect((run as { stderr: string }).stderr).toMatch(/^workgym: no gateway token: set WORKGYM_GATEWAY_TOKEN \(or --token-file\)/);
  });
});

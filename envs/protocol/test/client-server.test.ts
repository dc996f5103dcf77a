import { afterEach, describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  encodeFrame,
  FrameDecoder,
  FrameTooLargeError,
  ProtocolViolationError,
  RemoteError,
  ServerExitedError,
  toolCall as call,
  wire,
  type EnvClient,
} from '../src/index.js';
import { CounterEnv } from '../src/testing/index.js';
import { connectInProcess, spawnCounterServer } from './helpers.js';

const clients: EnvClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function inProcess(...args: Parameters<typeof connectInProcess>) {
  const connection = connectInProcess(...args);
  clients.push(connection.client);
  return connection;
}

describe('EnvClient and serveEnv', () => {
  it('says hello with the env name, version, protocol version and session limit', async () => {
    const { client } = inProcess(new CounterEnv(3));
    expect(await client.hello()).toMatchObject({ name: 'counter', version: '1.0.0', protocolVersion: 1, maxSessions: 3 });
  });

  it('plays an episode: reset, step, expert, verdict at the end, close', async () => {
    const { client } = inProcess(new CounterEnv());
    const reset = await client.reset({ family: 'counter/reach-target', seed: 5 });
    expect(reset.task).toMatchObject({ family: 'counter/reach-target', seed: 5, split: 'train', job: 'tester', difficulty: 'easy' });
    expect(reset.tools.map((t) => t.name)).toContain('submit');
    const first = await client.step(reset.session, [call('add', { amount: 1 })]);
    expect(first).toMatchObject({ stepIndex: 1, terminated: false, truncated: false, reward: 0, verdict: null });
    const expert = await client.expert(reset.session, { strategy: 'jump' });
    const second = await client.step(reset.session, expert.calls);
    const done = await client.step(reset.session, (await client.expert(reset.session, { strategy: 'jump' })).calls);
    expect(second.results[0]?.error).toBeNull();
    expect(done).toMatchObject({ terminated: true, truncated: false, reward: 1, stepIndex: 3 });
    expect(done.verdict).toMatchObject({ reward: 1, success: true, components: { reached: 1, submitted: 1 } });
    await client.closeSession(reset.session);
    await expect(client.step(reset.session, [call('submit')])).rejects.toMatchObject({ remoteCode: 'unknown_session' });
  });

  it('follows the strategy asked for, the seed\'s by default, and refuses unknown ones', async () => {
    const { client } = inProcess(new CounterEnv());
    const addOf = async (session: string, strategy?: string) => {
      const reply = await client.expert(session, strategy === undefined ? {} : { strategy });
      return JSON.parse(reply.calls[0]!.argumentsJson).amount as number;
    };
    const even = await client.reset({ family: 'counter/reach-target', seed: 4 });
    const odd = await client.reset({ family: 'counter/reach-target', seed: 5 });
    expect(Math.abs(await addOf(even.session))).toBeGreaterThan(1); // strategies[4 % 2] = jump
    expect(Math.abs(await addOf(odd.session))).toBe(1); // strategies[5 % 2] = walk
    expect(Math.abs(await addOf(odd.session, 'jump'))).toBeGreaterThan(1);
    await expect(client.expert(odd.session, { strategy: 'teleport' })).rejects.toMatchObject({
      remoteCode: 'bad_request',
      message: expect.stringContaining('jump, walk, overshoot'),
    });
  });

  it('says why the expert acts and which values it computed', async () => {
    const { client } = inProcess(new CounterEnv());
    const reset = await client.reset({ family: 'counter/reach-target', seed: 4 });
    const reply = await client.expert(reset.session, { strategy: 'jump' });
    const amount = JSON.parse(reply.calls[0]!.argumentsJson).amount as number;
    expect(reply.text).toContain(`so I add ${amount}`);
    expect(reply.derived).toEqual([expect.objectContaining({ value: String(amount), how: 'target minus counter' })]);
  });

  it('refuses the expert once the episode is over', async () => {
    const { client } = inProcess(new CounterEnv());
    const reset = await client.reset({ family: 'counter/reach-target', seed: 4 });
    const ended = await client.step(reset.session, [call('submit')]);
    expect(ended.terminated).toBe(true);
    await expect(client.expert(reset.session)).rejects.toMatchObject({ remoteCode: 'episode_over' });
  });

  it('applies several calls of one step in order and answers each', async () => {
    const { client } = inProcess(new CounterEnv());
    const reset = await client.reset({ family: 'counter/reach-target', seed: 1 });
    const reply = await client.step(reset.session, [call('add', { amount: 2 }, 'a'), call('nope', {}, 'b'), call('add', { amount: 3 }, 'c')]);
    expect(reply.results.map((r) => [r.callId, r.error?.kind ?? null])).toEqual([
      ['a', null],
      ['b', 'unknown_tool'],
      ['c', null],
    ]);
    const start = Number(/from (\d+)/.exec(reset.task!.instruction)![1]);
    expect(reply.observation?.text).toBe(`counter = ${start + 5}`);
    expect(reply.stepIndex).toBe(1);
  });

  it('returns error observations of the right kind for malformed calls and goes on', async () => {
    const { client } = inProcess(new CounterEnv());
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    const kinds = [];
    for (const argumentsJson of ['{"amount": "ten"}', '{oops', '{"amount": 1, "extra": true}', 'x'.repeat(1024 * 1024 + 1)]) {
      const reply = await client.step(session, [{ id: 'c', name: 'add', argumentsJson }]);
      expect(reply.terminated || reply.truncated).toBe(false);
      expect(reply.observation?.text).toMatch(/^Error \(/);
      expect(reply.observation?.candidates.length).toBeGreaterThan(0);
      kinds.push(reply.results[0]?.error?.kind);
    }
    expect(kinds).toEqual(['invalid_arguments', 'invalid_arguments', 'invalid_arguments', 'arguments_too_large']);
    expect((await client.step(session, [call('submit')])).terminated).toBe(true);
  });

  it('truncates at max_steps and runs the verifier', async () => {
    const { client } = inProcess(new CounterEnv());
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1, maxSteps: 2 });
    expect((await client.step(session, [call('add', { amount: 1 })])).truncated).toBe(false);
    const last = await client.step(session, [call('add', { amount: 1 })]);
    expect(last).toMatchObject({ truncated: true, terminated: false, reward: 0, verdict: { success: false } });
    await expect(client.step(session, [call('submit')])).rejects.toMatchObject({ remoteCode: 'episode_over' });
  });

  it('refuses unknown families, bad options and sessions beyond the limit', async () => {
    const { client } = inProcess(new CounterEnv(1));
    await expect(client.reset({ family: 'counter/nope', seed: 1 })).rejects.toMatchObject({ remoteCode: 'unknown_family' });
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    await expect(client.reset({ family: 'counter/reach-target', seed: 2 })).rejects.toMatchObject({ remoteCode: 'too_many_sessions' });
    await client.closeSession(session);
    await expect(client.reset({ family: 'counter/reach-target', seed: 2 })).resolves.toBeTruthy();
  });

  it('drives several sessions over one stream concurrently', async () => {
    const { client } = inProcess(new CounterEnv(4));
    const resets = await Promise.all([1, 2, 3, 4].map((seed) => client.reset({ family: 'counter/reach-target', seed })));
    const slow = client.step(resets[0]!.session, [call('sleep', { ms: 300 })]);
    const fast = await client.step(resets[1]!.session, [call('add', { amount: 1 })]);
    expect(fast.stepIndex).toBe(1);
    await expect(slow).resolves.toMatchObject({ stepIndex: 1 });
  });
});

describe('deadlines', () => {
  it('fails a call that outlives its deadline with DeadlineExceededError and keeps the client usable', async () => {
    const { client } = inProcess(new CounterEnv());
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    await expect(client.step(session, [call('sleep', { ms: 5_000 })], { deadlineMs: 100 })).rejects.toBeInstanceOf(
      DeadlineExceededError,
    );
    await expect(client.hello()).resolves.toMatchObject({ name: 'counter' });
  });

  it('fails a call when its AbortSignal fires', async () => {
    const { client } = inProcess(new CounterEnv());
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    const controller = new AbortController();
    const pending = client.step(session, [call('sleep', { ms: 5_000 })], { signal: controller.signal });
    controller.abort(new Error('stopped by the test'));
    await expect(pending).rejects.toThrow('stopped by the test');
  });

  it('a hung server surfaces as DeadlineExceededError, never a hang', async () => {
    const { client, toServer } = inProcess(new CounterEnv());
    toServer.pause();
    toServer.removeAllListeners('data');
    await expect(client.hello({ deadlineMs: 150 })).rejects.toBeInstanceOf(DeadlineExceededError);
  });
});

describe('bad frames', () => {
  function rawServer(maxFrameBytes?: number) {
    const { toServer, fromServer } = inProcess(new CounterEnv(), { server: { maxFrameBytes } });
    const decoder = new FrameDecoder();
    const responses: InstanceType<typeof wire.Response>[] = [];
    fromServer.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) if (e.kind === 'frame') responses.push(wire.Response.decode(e.bytes));
    });
    const next = async (n: number) => {
      while (responses.length < n) await new Promise((resolve) => setTimeout(resolve, 5));
      return responses;
    };
    const hello = (id: number) => encodeFrame(wire.Request.encode({ id, hello: {} }).finish());
    return { toServer, next, hello };
  }

  it('answers garbage with bad_frame and keeps serving', async () => {
    const { toServer, next, hello } = rawServer();
    toServer.write(encodeFrame(Buffer.from([0x0a, 0xff, 0xff, 0x07, 0x33])));
    toServer.write(hello(9));
    const [garbage, answer] = await next(2);
    expect(garbage).toMatchObject({ id: 0, error: { code: 'bad_frame' } });
    expect(answer).toMatchObject({ id: 9, hello: { name: 'counter' } });
  });

  it('answers an oversize frame with frame_too_large, skips it and keeps serving', async () => {
    const { toServer, next, hello } = rawServer(1024);
    toServer.write(encodeFrame(Buffer.alloc(4096, 1)));
    toServer.write(hello(4));
    const [refused, answer] = await next(2);
    expect(refused).toMatchObject({ id: 0, error: { code: 'frame_too_large' } });
    expect(answer).toMatchObject({ id: 4, hello: { name: 'counter' } });
  });

  it('refuses to send a request larger than the frame limit', async () => {
    const { client } = inProcess(new CounterEnv(), { client: { maxFrameBytes: 2048 } });
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    await expect(client.step(session, [{ id: 'c', name: 'add', argumentsJson: 'x'.repeat(4096) }])).rejects.toBeInstanceOf(
      FrameTooLargeError,
    );
  });

  it('fails pending and later calls with ProtocolViolationError when the server writes garbage', async () => {
    const { client } = spawnCounterServer();
    clients.push(client);
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    await expect(client.step(session, [call('scribble')])).rejects.toBeInstanceOf(ProtocolViolationError);
    await expect(client.hello()).rejects.toBeInstanceOf(ProtocolViolationError);
  });

  it('rejects an oversize frame from the server with FrameTooLargeError', async () => {
    const { client, fromServer } = inProcess(new CounterEnv());
    const pending = client.hello();
    fromServer.write(encodeFrame(Buffer.alloc(70 * 1024 * 1024)).subarray(0, 1024));
    await expect(pending).rejects.toBeInstanceOf(FrameTooLargeError);
  });
});

describe('a server that dies', () => {
  it('fails the call in flight with ServerExitedError carrying the signal when killed', async () => {
    const { child, client } = spawnCounterServer();
    clients.push(client);
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    const pending = client.step(session, [call('sleep', { ms: 10_000 })]);
    setTimeout(() => child.kill('SIGKILL'), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerExitedError);
    expect((error as ServerExitedError).details.signal).toBe('SIGKILL');
  });

  it('reports the exit code and the server log when the server exits by itself', async () => {
    const { client } = spawnCounterServer();
    clients.push(client);
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    const error = (await client.step(session, [call('crash')]).catch((e: unknown) => e)) as ServerExitedError;
    expect(error).toBeInstanceOf(ServerExitedError);
    expect(error.details.exitCode).toBe(3);
    await expect(client.hello()).rejects.toBeInstanceOf(ServerExitedError);
  });

  it('maps a remote refusal to a RemoteError with the server code', async () => {
    const { client } = inProcess(new CounterEnv());
    const error = await client.closeSession('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ remoteCode: 'unknown_session', code: 'WORKGYM_REMOTE_UNKNOWN_SESSION' });
  });
});

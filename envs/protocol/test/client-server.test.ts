import { afterEach, describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  encodeFrame,
  FrameTooLargeError,
  ProtocolViolationError,
  RemoteError,
  ServerExitedError,
  toolCall as call,
  wire,
  type EnvClient,
} from '../src/index.js';
import { CounterEnv } from '../src/testing/index.js';
import { collectResponses, connectInProcess, spawnCounterServer, spawnRawCounterServer, StubbornEnv } from './helpers.js';

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

  it("follows the strategy asked for, the seed's by default, and refuses unknown ones", async () => {
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
    // Each reply names the strategy it followed, so a recorder knows the seed's default too.
    expect((await client.expert(odd.session)).strategy).toBe('walk');
    expect((await client.expert(odd.session, { strategy: 'jump' })).strategy).toBe('jump');
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

  it('refuses a split the family does not have, naming the ones it has', async () => {
    const { client } = inProcess(new CounterEnv());
    await expect(client.reset({ family: 'counter/reach-target', seed: 1, split: 'validation' })).rejects.toMatchObject({
      remoteCode: 'bad_request',
      message: expect.stringContaining('counter/reach-target has no split "validation" (it has train, test)'),
    });
    await expect(client.reset({ family: 'counter/reach-target', seed: 1, split: 'test' })).resolves.toMatchObject({ task: { split: 'test' } });
  });

  it('refuses a seed past the range where the splits stay apart', async () => {
    const { client } = inProcess(new CounterEnv());
    await expect(client.reset({ family: 'counter/reach-target', seed: 2 ** 30 })).rejects.toMatchObject({
      remoteCode: 'bad_request',
      message: expect.stringContaining('seeds run from 0 to 1073741823 on every split'),
    });
    await expect(client.reset({ family: 'counter/reach-target', seed: 2 ** 30 - 1, split: 'test' })).resolves.toBeTruthy();
  });

  it('serves every call without a hello first', async () => {
    const { client } = inProcess(new CounterEnv());
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 2 });
    expect((await client.step(session, [call('add', { amount: 1 })])).stepIndex).toBe(1);
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
    await expect(client.step(session, [call('sleep', { ms: 5_000 })], { deadlineMs: 100 })).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(client.hello()).resolves.toMatchObject({ name: 'counter' });
  });

  it('ends the session at a step that passes its deadline: later steps and the expert get episode_over', async () => {
    const { client } = inProcess(new CounterEnv());
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    await client.step(session, [call('add', { amount: 1 })]);
    await expect(client.step(session, [call('sleep', { ms: 5_000 })], { deadlineMs: 100 })).rejects.toBeInstanceOf(DeadlineExceededError);
    const over = { remoteCode: 'episode_over', message: expect.stringContaining('step 2 passed its deadline') };
    await expect(client.step(session, [call('add', { amount: 1 })])).rejects.toMatchObject(over);
    await expect(client.expert(session)).rejects.toMatchObject(over);
    await client.closeSession(session);
  });

  it('answers calls after a deadline at once even when the env never stops the step', async () => {
    const env = new StubbornEnv();
    const { client } = inProcess(env);
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    const stuck = client.step(session, [call('sleep', { ms: 600_000 })], { deadlineMs: 100 });
    await expect(stuck).rejects.toBeInstanceOf(DeadlineExceededError);
    // The sleep goes on inside the env; the session's next step must not wait behind it.
    await expect(client.step(session, [call('add', { amount: 1 })], { deadlineMs: 60_000 })).rejects.toMatchObject({ remoteCode: 'episode_over' });
  });

  it('closes the session a reset opens after its deadline, so it holds no session slot', async () => {
    const env = new StubbornEnv({ maxSessions: 1, resetMs: 300 });
    const { client } = inProcess(env);
    await expect(client.reset({ family: 'counter/reach-target', seed: 1, deadlineMs: 50 })).rejects.toBeInstanceOf(DeadlineExceededError);
    await env.sessionClosed;
    await new Promise(setImmediate); // the server gives the slot back right after the close
    await expect(client.reset({ family: 'counter/reach-target', seed: 2 })).resolves.toMatchObject({ task: { seed: 2 } });
  });

  it("gives a call that carries no deadline the server's default", async () => {
    const { toServer, fromServer } = inProcess(new CounterEnv(), { server: { defaultDeadlineMs: 100 } });
    const { next } = collectResponses(fromServer);
    const request = (id: number, body: object) => toServer.write(encodeFrame(wire.Request.encode({ id, deadlineMs: 0, ...body }).finish()));
    request(1, { reset: { family: 'counter/reach-target', seed: 1 } });
    const session = (await next(1))[0]!.reset!.session;
    request(2, { step: { session, calls: [call('sleep', { ms: 5_000 })] } });
    expect((await next(2))[1]).toMatchObject({ id: 2, error: { code: 'deadline_exceeded' } });
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
    return { toServer, ...collectResponses(fromServer) };
  }
  const hello = (id: number) => encodeFrame(wire.Request.encode({ id, hello: {} }).finish());

  it('answers garbage with bad_frame and keeps serving', async () => {
    const { toServer, next } = rawServer();
    toServer.write(encodeFrame(Buffer.from([0x0a, 0xff, 0xff, 0x07, 0x33])));
    toServer.write(hello(9));
    const [garbage, answer] = await next(2);
    expect(garbage).toMatchObject({ id: 0, error: { code: 'bad_frame' } });
    expect(answer).toMatchObject({ id: 9, hello: { name: 'counter' } });
  });

  it('answers a frame over the limit with frame_too_large and closes the stream', async () => {
    const { toServer, ended } = rawServer(1024);
    toServer.write(encodeFrame(Buffer.alloc(4096, 1)));
    toServer.write(hello(4));
    expect(await ended).toEqual([expect.objectContaining({ id: 0, error: expect.objectContaining({ code: 'frame_too_large' }) })]);
  });

  it('on stdio, answers a 2 GiB length prefix with frame_too_large and exits, not reading what follows as its payload', async () => {
    const { child, next, ended, exited } = spawnRawCounterServer();
    child.stdin.write(hello(1));
    await next(1);
    child.stdin.write(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08])); // varint(2^31)
    child.stdin.write(hello(2));
    const responses = await ended;
    expect(responses.map((r) => [r.id, r.error?.code ?? r.result])).toEqual([
      [1, 'hello'],
      [0, 'frame_too_large'],
    ]);
    expect(await exited).toBe(0);
  });

  it('answers a length prefix that is no varint with bad_frame and closes the stream', async () => {
    const { toServer, ended } = rawServer();
    toServer.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    toServer.write(hello(3));
    expect((await ended).map((r) => [r.id, r.error?.code])).toEqual([[0, 'bad_frame']]);
  });

  it('refuses to send a request larger than the frame limit', async () => {
    const { client } = inProcess(new CounterEnv(), { client: { maxFrameBytes: 2048 } });
    const { session } = await client.reset({ family: 'counter/reach-target', seed: 1 });
    await expect(client.step(session, [{ id: 'c', name: 'add', argumentsJson: 'x'.repeat(4096) }])).rejects.toBeInstanceOf(FrameTooLargeError);
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

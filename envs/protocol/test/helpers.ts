import { spawn } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { EnvClient, FrameDecoder, wire, type EnvClientOptions, type EpisodeSpec, type Session, type ValidToolCall } from '../src/index.js';
import { connectInProcess, CounterEnv, counterServerEntry } from '../src/testing/index.js';

export { connectInProcess };

/** The counter env server as a real child process, run from source. */
export function spawnCounterServer(options: EnvClientOptions = {}) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', counterServerEntry], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })),
  );
  const client = new EnvClient({ input: child.stdout, output: child.stdin, describeExit: async () => ({ ...(await exited), stderrTail: stderr }) }, options);
  return { child, client, exited };
}

/** The counter env server as a child process spoken to in raw bytes: what it answered, and when it closed its output. */
export function spawnRawCounterServer() {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', counterServerEntry], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  const responses = collectResponses(child.stdout);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ...responses, exited };
}

/** Every Response frame a server writes to `output`, and a promise that settles when the output ends. */
export function collectResponses(output: NodeJS.ReadableStream) {
  const decoder = new FrameDecoder();
  const responses: InstanceType<typeof wire.Response>[] = [];
  output.on('data', (chunk: Buffer) => {
    for (const e of decoder.push(chunk)) if (e.kind === 'frame') responses.push(wire.Response.decode(e.bytes));
  });
  const ended = new Promise<InstanceType<typeof wire.Response>[]>((resolve) => output.once('end', () => resolve(responses)));
  const next = async (n: number) => {
    while (responses.length < n) await new Promise((resolve) => setTimeout(resolve, 5));
    return responses;
  };
  return { responses, ended, next };
}

/**
 * The counter env made stubborn: a reset takes `resetMs`, and steps ignore the server's
 * AbortSignal (as an env stuck in a system call would) until `release()`.
 */
export class StubbornEnv extends CounterEnv {
  /** Settles when the first session is closed. */
  readonly sessionClosed: Promise<void>;
  private readonly held = new AbortController();
  private closedOne: () => void = () => undefined;

  constructor(private readonly options: { maxSessions?: number; resetMs?: number } = {}) {
    super(options.maxSessions ?? 4);
    this.sessionClosed = new Promise((resolve) => (this.closedOne = resolve));
    onTestFinished(() => this.release());
  }

  override async reset(spec: EpisodeSpec): Promise<Session> {
    await new Promise((resolve) => setTimeout(resolve, this.options.resetMs ?? 0));
    const session = await super.reset(spec);
    // The session's getters and verify read its state through the prototype chain.
    return Object.assign(Object.create(session) as Session, {
      step: (call: ValidToolCall) => session.step(call, this.held.signal),
      close: async () => {
        await session.close();
        this.closedOne();
      },
    });
  }

  release(): void {
    this.held.abort(new Error('released by the test'));
  }
}

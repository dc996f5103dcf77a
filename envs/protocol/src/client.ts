import type { RewardMode } from './reward.js';
import type { Readable, Writable } from 'node:stream';
import { ClientClosedError, DeadlineExceededError, FrameTooLargeError, ProtocolViolationError, RemoteError, ServerExitedError } from './errors.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder } from './framing.js';
import {
  PROTOCOL_VERSION,
  wire,
  type CallName,
  type DecodedResponse,
  type ExpertReply,
  type HelloReply,
  type ListTasksReply,
  type Request,
  type ResetReply,
  type StepReply,
  type ToolCall,
} from './messages.js';

/** What the client needs of a server: its output, its input, and why it is gone if it is. */
export interface Transport {
  /** Bytes from the server (its stdout). */
  readonly input: Readable;
  /** Bytes to the server (its stdin). */
  readonly output: Writable;
  /** Called once the server's output ends, to say how it died (exit code, last log lines). */
  describeExit?(): Promise<ServerExitedError['details']>;
}

export interface EnvClientOptions {
  /** Deadline for calls that pass none (ms). */
  deadlineMs?: number;
  maxFrameBytes?: number;
  /** Names the server in error messages. */
  name?: string;
}

export interface CallOptions {
  deadlineMs?: number;
  signal?: AbortSignal;
}

export interface ResetOptions extends CallOptions {
  family: string;
  seed: number;
  split?: string;
  maxSteps?: number;
  options?: Record<string, unknown>;
  /** What the episode's reward pays: success (the default) or the shaped reward. */
  reward?: RewardMode;
  /** Who plays the task's people: the env's scripted people (the default), or this client's `playPerson` ("client"). */
  people?: 'scripted' | 'client';
}

/** What the server asks of a client that plays the task's people: one person's reply. */
export interface PersonAsk {
  session: string;
  /** The person's id. */
  person: string;
  /** OpenAI chat messages: who the person is and what they know (system), then the conversation, the agent's message last. */
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
}

/** Plays a person: their reply to the last message (a language model behind an OpenAI-compatible endpoint, say). */
export type PersonPlayer = (ask: PersonAsk, signal: AbortSignal) => Promise<string>;

interface Pending {
  call: CallName;
  resolve(response: DecodedResponse): void;
  reject(error: Error): void;
}

/** A typed async client for one env server over any byte-stream transport. */
export class EnvClient implements AsyncDisposable {
  private readonly pending = new Map<number, Pending>();
  // Answers that arrive after their caller gave up are dropped, not treated as a violation.
  private readonly abandoned = new Set<number>();
  private readonly decoder: FrameDecoder;
  private readonly deadlineMs: number;
  private nextId = 1;
  private failure: Error | undefined;
  /**
   * Plays the people of the sessions reset with `people: 'client'`: the server asks for each
   * reply, and the answer (or why there is none) goes back to it.
   */
  playPerson: PersonPlayer | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly options: EnvClientOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 60_000;
    this.decoder = new FrameDecoder(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    transport.input.on('data', (chunk: Buffer) => this.receive(chunk));
    transport.input.once('end', () => void this.serverGone('the env server closed its output'));
    transport.input.once('close', () => void this.serverGone('the env server closed its output'));
    transport.input.once('error', (error) => void this.serverGone(`reading from the env server failed: ${error.message}`));
    transport.output.on('error', (error) => void this.serverGone(`writing to the env server failed: ${error.message}`));
  }

  /** Why the client can no longer be used, once it cannot. */
  get error(): Error | undefined {
    return this.failure;
  }

  hello(options?: CallOptions): Promise<HelloReply> {
    return this.call('hello', { client: 'workgym-ts', protocolVersion: PROTOCOL_VERSION }, options).then((r) => r.hello!);
  }

  listTasks(options?: CallOptions): Promise<ListTasksReply> {
    return this.call('listTasks', {}, options).then((r) => r.listTasks!);
  }

  reset(request: ResetOptions): Promise<ResetReply> {
    const body = {
      family: request.family,
      seed: request.seed,
      split: request.split ?? '',
      maxSteps: request.maxSteps ?? 0,
      optionsJson: request.options ? JSON.stringify(request.options) : '',
      reward: request.reward ?? '',
      people: request.people ?? '',
    };
    return this.call('reset', body, request).then((r) => r.reset!);
  }

  step(session: string, calls: ToolCall[], options?: CallOptions): Promise<StepReply> {
    return this.call('step', { session, calls }, options).then((r) => r.step!);
  }

  /** The expert's next action; `strategy` names one of the family's strategies or near-misses, or `relax:<condition>` / `guess:<name>`. */
  expert(session: string, options?: CallOptions & { strategy?: string }): Promise<ExpertReply> {
    return this.call('expert', { session, strategy: options?.strategy ?? '' }, options).then((r) => r.expert!);
  }

  closeSession(session: string, options?: CallOptions): Promise<void> {
    return this.call('close', { session }, options).then(() => undefined);
  }

  /** Ends the stream to the server (which then exits) and fails calls still in flight. */
  async close(): Promise<void> {
    this.fail(new ClientClosedError());
    if (!this.transport.output.writableEnded) this.transport.output.end();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private call(call: CallName, body: object, options: CallOptions = {}): Promise<DecodedResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const deadlineMs = options.deadlineMs ?? this.deadlineMs;
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const request: Request = { id, deadlineMs, [call]: body };
    const bytes = wire.Request.encode(request).finish();
    if (bytes.length > this.decoder.maxFrameBytes) {
      return Promise.reject(new FrameTooLargeError(bytes.length, this.decoder.maxFrameBytes));
    }
    return new Promise<DecodedResponse>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      const giveUp = (error: Error) => {
        settle();
        this.abandoned.add(id);
        reject(error);
      };
      const onAbort = () => giveUp(options.signal!.reason as Error);
      const timer = setTimeout(() => giveUp(new DeadlineExceededError(this.describe(call), deadlineMs)), deadlineMs);
      if (options.signal?.aborted) return giveUp(options.signal.reason as Error);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        call,
        resolve: (response) => {
          settle();
          if (response.error) reject(new RemoteError(response.error.code, response.error.message));
          else resolve(response);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.transport.output.write(encodeFrame(bytes));
    });
  }

  private receive(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'oversize') {
        return this.fail(new FrameTooLargeError(event.length, this.decoder.maxFrameBytes));
      }
      if (event.kind === 'bad_length') {
        return this.fail(new ProtocolViolationError(`${this.describe()} wrote bytes that are not a frame`));
      }
      let response: DecodedResponse;
      try {
        response = wire.Response.decode(event.bytes) as DecodedResponse;
      } catch (error) {
        return this.fail(new ProtocolViolationError(`${this.describe()} wrote an undecodable frame`, { cause: error }));
      }
      if (response.person) {
        void this.answerPerson(response.person);
        continue;
      }
      const pending = this.pending.get(response.id);
      if (pending) pending.resolve(response);
      else if (!this.abandoned.delete(response.id)) {
        const detail = response.error ? `${response.error.code}: ${response.error.message}` : `an answer to unknown call ${response.id}`;
        return this.fail(new ProtocolViolationError(`${this.describe()} sent ${detail}`));
      }
    }
  }

  /** Plays the person the server asks for and sends the reply back (or why there is none: the server then fails the step with people_error). */
  private async answerPerson(ask: NonNullable<DecodedResponse['person']>): Promise<void> {
    const reply = { requestId: ask.requestId, text: '', error: '' };
    const signal = AbortSignal.timeout(this.deadlineMs);
    try {
      if (!this.playPerson) throw new Error('this client plays no people (it was given no person player)');
      const messages = JSON.parse(ask.messagesJson) as PersonAsk['messages'];
      reply.text = await this.playPerson({ session: ask.session, person: ask.person, messages }, signal);
    } catch (error) {
      reply.error = (error as Error).message ?? String(error);
    }
    await this.call('personReply', reply).catch(() => undefined);
  }

  private async serverGone(reason: string): Promise<void> {
    if (this.failure) return;
    // Mark the client failed now; fill in how the server died once the transport knows.
    const placeholder = new ServerExitedError(reason);
    this.failure = placeholder;
    // A transport that cannot tell how the server died must not hold the callers up.
    const details = await Promise.race([
      this.transport.describeExit?.().catch(() => undefined),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000).unref()),
    ]);
    const error = details ? new ServerExitedError(`${reason} (${describeDeath(details)})`, details) : placeholder;
    this.failure = error;
    this.rejectAll(error);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.rejectAll(this.failure);
  }

  private rejectAll(error: Error): void {
    for (const pending of [...this.pending.values()]) pending.reject(error);
  }

  private describe(call?: string): string {
    const server = this.options.name ? `env server ${this.options.name}` : 'the env server';
    return call ? `${call} on ${server}` : server;
  }
}

function describeDeath(details: ServerExitedError['details']): string {
  if (details.signal) return `killed by ${details.signal}`;
  if (details.exitCode !== undefined && details.exitCode !== null) return `exit code ${details.exitCode}`;
  return 'exit status unknown';
}

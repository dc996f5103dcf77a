import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { Environment, Session } from './environment.js';
import { Episode } from './episode.js';
import { CallRefusedError } from './errors.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder } from './framing.js';
import { declaredComponents, guessStrategy, parseRewardMode, relaxStrategy } from './reward.js';
import { PARAPHRASE_STRATEGIES, type ChatMessage } from './kit/people.js';
import { SEED_LIMIT } from './rng.js';
import { PROTOCOL_VERSION, wire, type Decoded, type PersonReplyRequest, type Request, type ResetRequest, type Response, type TaskFamily } from './messages.js';

type DecodedRequest = Decoded<Request>;

/** The deadline of a call that carries none (`deadline_ms` 0), as workgym.proto states it. */
export const DEFAULT_DEADLINE_MS = 300_000;

export interface ServeOptions {
  maxFrameBytes?: number;
  /** Deadline for calls that carry none (ms; default DEFAULT_DEADLINE_MS). */
  defaultDeadlineMs?: number;
  log?: (line: string) => void;
}

export interface EnvServer extends AsyncDisposable {
  /** Settles once the input has ended and every session is closed. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves `env` over a pair of byte streams (an env server's stdin and stdout). The output ends
 * once the input has ended (or could not be framed) and every session is closed.
 */
export function serveEnv(env: Environment, input: Readable, output: Writable, options: ServeOptions = {}): EnvServer {
  const connection = new Connection(env, output, options);
  const decoder = new FrameDecoder(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  input.on('data', (chunk: Buffer) => {
    for (const event of decoder.push(chunk)) {
      if (event.kind === 'frame') {
        connection.receive(event.bytes);
        continue;
      }
      // No later frame boundary can be found: answer once, then stop reading and close.
      if (event.kind === 'oversize') {
        connection.refuse(0, 'frame_too_large', `frame of ${event.length} bytes exceeds ${decoder.maxFrameBytes}; closing the stream`);
      } else connection.refuse(0, 'bad_frame', 'the length prefix is not a varint; closing the stream');
      input.destroy();
    }
  });
  const done = new Promise<void>((resolve) => input.once('close', resolve).once('end', resolve))
    .then(() => connection.shutdown())
    .then(() => void output.end());
  const close = async () => {
    input.destroy();
    await done;
  };
  return { done, close, [Symbol.asyncDispose]: close };
}

/** How long the server waits for a client to play a person (the step's own deadline may end it sooner). */
const PERSON_REPLY_MS = DEFAULT_DEADLINE_MS;

class Connection {
  private readonly episodes = new Map<string, Episode>();
  /** Replies the server awaits from a client that plays the people, by request id. */
  private readonly personAsks = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  private nextPersonAsk = 1;
  private opening = 0;
  private readonly log: (line: string) => void;
  private shuttingDown: Promise<void> | undefined;

  constructor(
    private readonly env: Environment,
    private readonly output: Writable,
    private readonly options: ServeOptions,
  ) {
    this.log = options.log ?? (() => undefined);
  }

  receive(bytes: Uint8Array): void {
    let request: DecodedRequest;
    try {
      request = wire.Request.decode(bytes) as DecodedRequest;
    } catch (error) {
      this.refuse(0, 'bad_frame', `undecodable Request: ${(error as Error).message}`);
      return;
    }
    void this.answer(request);
  }

  refuse(id: number, code: string, message: string): void {
    this.send({ id, error: { code, message } });
  }

  async shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      for (const ask of this.personAsks.values()) ask.reject(new Error('the server is shutting down'));
      this.personAsks.clear();
      await Promise.allSettled([...this.episodes.values()].map((e) => e.session.close()));
      this.episodes.clear();
      await this.env.close();
    })();
    return this.shuttingDown;
  }

  private send(response: Response): void {
    if (this.output.destroyed || this.output.writableEnded) return;
    this.output.write(encodeFrame(wire.Response.encode(response).finish()));
  }

  private async answer(request: DecodedRequest): Promise<void> {
    const deadlineMs = request.deadlineMs || this.options.defaultDeadlineMs || DEFAULT_DEADLINE_MS;
    const signal = AbortSignal.timeout(deadlineMs);
    const expired = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new CallRefusedError('deadline_exceeded', `call exceeded ${deadlineMs} ms`)), { once: true }),
    );
    expired.catch(() => undefined);
    try {
      const result = await Promise.race([this.dispatch(request, signal), expired]);
      this.send({ id: request.id, ...result });
    } catch (error) {
      if (error instanceof CallRefusedError) this.refuse(request.id, error.remoteCode, error.message);
      else {
        this.log(`env error in ${request.call ?? 'unknown call'}: ${(error as Error).stack ?? String(error)}`);
        this.refuse(request.id, 'env_error', (error as Error).message ?? String(error));
      }
    }
  }

  private async dispatch(request: DecodedRequest, signal: AbortSignal): Promise<Response> {
    switch (request.call) {
      case 'hello':
        return { hello: this.hello(request.hello?.protocolVersion ?? 0) };
      case 'listTasks':
        return { listTasks: { families: [...this.env.families()], tools: [...this.env.tools()] } };
      case 'reset':
        return { reset: await this.reset(request.reset!, signal) };
      case 'step':
        return { step: await this.episode(request.step!.session).step(request.step!.calls, signal) };
      case 'expert':
        return { expert: await this.expert(request.expert!.session, request.expert!.strategy, signal) };
      case 'close':
        await this.closeEpisode(request.close!.session);
        return { close: {} };
      case 'personReply':
        this.personReplied(request.personReply!);
        return { personReply: {} };
      default:
        throw new CallRefusedError('bad_request', 'the request carries no call');
    }
  }

  private hello(clientVersion: number) {
    if (clientVersion !== 0 && clientVersion !== PROTOCOL_VERSION) {
      throw new CallRefusedError('unsupported_version', `server speaks protocol ${PROTOCOL_VERSION}, client ${clientVersion}`);
    }
    return {
      name: this.env.name,
      version: this.env.version,
      protocolVersion: PROTOCOL_VERSION,
      capabilities: [...(this.env.capabilities ?? [])],
      maxSessions: this.env.maxSessions ?? 1,
    };
  }

  private async reset(spec: Decoded<ResetRequest>, signal: AbortSignal) {
    const family = this.env.families().find((f) => f.id === spec.family);
    if (!family) throw new CallRefusedError('unknown_family', `no task family ${JSON.stringify(spec.family)} in ${this.env.name}`);
    const split = spec.split || 'train';
    const splits = family.splits?.length ? family.splits : ['train'];
    if (!splits.includes(split)) {
      throw new CallRefusedError('bad_request', `${family.id} has no split ${JSON.stringify(split)} (it has ${splits.join(', ')})`);
    }
    if (spec.seed >= SEED_LIMIT) {
      throw new CallRefusedError('bad_request', `seed ${spec.seed} is out of range: seeds run from 0 to ${SEED_LIMIT - 1} on every split`);
    }
    const limit = this.env.maxSessions ?? 1;
    if (this.episodes.size + this.opening >= limit) {
      throw new CallRefusedError('too_many_sessions', `${this.env.name} serves ${limit} session(s) at once; close one first`);
    }
    const options = parseOptions(spec.optionsJson);
    const reward = parseRewardMode(spec.reward);
    if (!['', 'scripted', 'client'].includes(spec.people)) {
      throw new CallRefusedError('bad_request', `people must be "scripted" or "client", not ${JSON.stringify(spec.people)}`);
    }
    const id = randomUUID();
    const peopleVoice = spec.people === 'client' ? (person: string, messages: ChatMessage[]) => this.askPerson(id, person, messages) : undefined;
    this.opening += 1;
    let session: Session;
    try {
      session = await this.env.reset({ family: family.id!, seed: spec.seed, split, options, ...(peopleVoice ? { peopleVoice } : {}) }, signal);
      if (signal.aborted || this.shuttingDown) {
        // Nobody will learn this session's id (the client was told deadline_exceeded, or the
        // stream is closing): close it before its slot is given back.
        await session.close();
        throw new CallRefusedError('deadline_exceeded', 'the reset finished after its deadline');
      }
    } finally {
      this.opening -= 1;
    }
    const task = {
      family: family.id!,
      seed: spec.seed,
      split,
      instruction: session.instruction,
      job: family.job ?? '',
      difficulty: this.env.tier?.(family.id!, spec.seed, split) || (family.difficulty ?? ''),
      verifierVersion: family.verifierVersion ?? '',
      scenario: this.env.scenario?.(family.id!, spec.seed) ?? '',
    };
    this.episodes.set(id, new Episode(id, task, session, { maxSteps: spec.maxSteps, reward, components: declaredComponents(family) }));
    return { session: id, task, observation: session.observation, tools: [...session.tools] };
  }

  /** Asks the client to play `person` (a reset with people "client") and waits for the reply. */
  private askPerson(session: string, person: string, messages: ChatMessage[]): Promise<string> {
    const requestId = this.nextPersonAsk;
    this.nextPersonAsk = this.nextPersonAsk >= 0xffffffff ? 1 : this.nextPersonAsk + 1;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.personAsks.delete(requestId);
        reject(new Error(`no reply came from the client within ${PERSON_REPLY_MS} ms`));
      }, PERSON_REPLY_MS);
      timer.unref();
      const settle = () => {
        clearTimeout(timer);
        this.personAsks.delete(requestId);
      };
      this.personAsks.set(requestId, {
        resolve: (text) => (settle(), resolve(text)),
        reject: (error) => (settle(), reject(error)),
      });
      this.send({ id: 0, person: { requestId, session, person, messagesJson: JSON.stringify(messages) } });
    });
  }

  private personReplied(reply: Decoded<PersonReplyRequest>): void {
    const ask = this.personAsks.get(reply.requestId);
    if (!ask) throw new CallRefusedError('bad_request', `no person's reply is awaited with request_id ${reply.requestId}`);
    if (reply.error) ask.reject(new Error(reply.error));
    else ask.resolve(reply.text);
  }

  private async expert(session: string, strategy: string, signal: AbortSignal) {
    const episode = this.episode(session);
    const family = this.env.families().find((f) => f.id === episode.task.family);
    const followed = resolveStrategy(family, episode.task.seed ?? 0, strategy);
    const action = await episode.expert(signal, followed);
    return { calls: action.calls, text: action.text, derived: action.derived ?? [], strategy: followed };
  }

  private episode(id: string): Episode {
    const episode = this.episodes.get(id);
    if (!episode) throw new CallRefusedError('unknown_session', `no open session ${JSON.stringify(id)}`);
    return episode;
  }

  private async closeEpisode(id: string): Promise<void> {
    const episode = this.episode(id);
    this.episodes.delete(id);
    await episode.session.close();
  }
}

/**
 * The strategy an expert call follows: the one named, or the seed's default among the family's.
 * Besides strategies and near-misses the family's expert plays `relax:<condition>` and
 * `guess:<name>` for its declared conditions and guesses.
 */
function resolveStrategy(family: TaskFamily | undefined, seed: number, asked: string): string {
  const strategies = family?.strategies ?? [];
  if (asked === '') return strategies.length > 0 ? strategies[seed % strategies.length]! : '';
  const known = [
    ...strategies,
    ...(family?.nearMisses ?? []),
    ...(family?.conditions ?? []).map(relaxStrategy),
    ...(family?.guesses ?? []).map(guessStrategy),
    ...(family?.features?.includes('people') ? PARAPHRASE_STRATEGIES : []),
  ];
  if (known.includes(asked)) return asked;
  throw new CallRefusedError(
    'bad_request',
    `${family?.id ?? 'this family'} has no expert strategy ${JSON.stringify(asked)}${known.length ? ` (it has ${known.join(', ')})` : ' (it has none)'}`,
  );
}

function parseOptions(json: string): Record<string, unknown> {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the refusal below
  }
  throw new CallRefusedError('bad_request', 'options_json must be a JSON object');
}

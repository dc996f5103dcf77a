import { randomUUID } from 'node:crypto';
import {
  CallRefusedError,
  DEFAULT_DEADLINE_MS,
  DeadlineExceededError,
  PROTOCOL_VERSION,
  RemoteError,
  parseRewardMode,
  wire,
  type Decoded,
  type HelloReply,
  type ListTasksReply,
  type Request,
  type ResetRequest,
  type Response,
} from '@workgym/protocol';
import { PoolClosedError, type Lease } from '../pool/env-pool.js';
import type { GatewayEnv } from './catalogue.js';

// One client's view of a gateway: the sessions it opened, each a lease on an instance of its
// env's pool under an id the gateway made up. A client can name only its own sessions, and
// never learns the instance's own session id.

export interface GatewayLimits {
  /** A session with no call for this long is closed and its instance given back. */
  idleTimeoutMs: number;
  /** Sessions one client may hold at once (those opening included). */
  maxSessionsPerClient: number;
}

/** What every client of one gateway shares. */
export interface GatewayShared {
  envs: ReadonlyMap<string, GatewayEnv>;
  hello: HelloReply;
  tasks: ListTasksReply;
  limits: GatewayLimits;
  log(line: string): void;
}

interface RoutedSession {
  id: string;
  env: string;
  lease: Lease;
  /** The session's id on its instance. */
  inner: string;
  lastActive: number;
  inFlight: number;
  /** A call failed in a way that says the instance may be broken: it is replaced when the session ends. */
  faulted: boolean;
}

/** How long closing a session on its instance may take before the instance is counted broken. */
const CLOSE_DEADLINE_MS = 30_000;
/** Idle-closed session ids remembered per client, to say why a later call finds none. */
const REMEMBERED_IDLE_IDS = 1_000;

export class ClientSessions {
  private readonly sessions = new Map<string, RoutedSession>();
  private readonly idleClosed = new Set<string>();
  private readonly left = new AbortController();
  private opening = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly shared: GatewayShared,
    private readonly send: (response: Response) => void,
    readonly name: string,
  ) {}

  get open(): number {
    return this.sessions.size;
  }

  /** One WebSocket message: a Request, answered when its call is done (calls run concurrently). */
  receive(data: Uint8Array, binary: boolean): void {
    if (!binary) return this.refuse(0, 'bad_frame', 'a text message: the gateway reads binary WebSocket messages, one Request each');
    let request: Decoded<Request>;
    try {
      request = wire.Request.decode(data) as Decoded<Request>;
    } catch (error) {
      return this.refuse(0, 'bad_frame', `undecodable Request: ${(error as Error).message}`);
    }
    void this.answer(request);
  }

  /** Closes the sessions no call has touched for the idle timeout, giving their instances back. */
  closeIdle(now: number): void {
    const { idleTimeoutMs } = this.shared.limits;
    for (const session of [...this.sessions.values()]) {
      if (session.inFlight > 0 || now - session.lastActive < idleTimeoutMs) continue;
      if (this.idleClosed.size >= REMEMBERED_IDLE_IDS) this.idleClosed.delete(this.idleClosed.values().next().value!);
      this.idleClosed.add(session.id);
      const fault = session.faulted ? '; its instance is replaced (a call on it had failed)' : '';
      this.shared.log(`${this.name}: closed session ${session.id} (${session.env}) after ${seconds(idleTimeoutMs)} without a call${fault}`);
      void this.end(session);
    }
  }

  /** The client is gone: its sessions are closed, its waiting resets given up, its instances given back. */
  closeAll(): Promise<void> {
    this.closing ??= (async () => {
      this.left.abort(new CallRefusedError('env_error', 'the client left'));
      await Promise.allSettled([...this.sessions.values()].map((session) => this.end(session)));
    })();
    return this.closing;
  }

  private refuse(id: number, code: string, message: string): void {
    this.send({ id, error: { code, message } });
  }

  private async answer(request: Decoded<Request>): Promise<void> {
    const deadline = Date.now() + (request.deadlineMs || DEFAULT_DEADLINE_MS);
    try {
      this.send({ id: request.id, ...(await this.dispatch(request, deadline)) });
    } catch (error) {
      const [code, message] = refusalOf(error);
      this.refuse(request.id, code, message);
    }
  }

  private async dispatch(request: Decoded<Request>, deadline: number): Promise<Response> {
    switch (request.call) {
      case 'hello':
        checkVersion(request.hello!.protocolVersion);
        return { hello: this.shared.hello };
      case 'listTasks':
        return { listTasks: this.shared.tasks };
      case 'reset':
        return { reset: await this.reset(request.reset!, deadline) };
      case 'step': {
        const { session, calls } = request.step!;
        return { step: await this.onSession(session, deadline, (s, deadlineMs) => s.lease.client.step(s.inner, calls, { deadlineMs })) };
      }
      case 'expert': {
        const { session, strategy } = request.expert!;
        return { expert: await this.onSession(session, deadline, (s, deadlineMs) => s.lease.client.expert(s.inner, { strategy, deadlineMs })) };
      }
      case 'close':
        await this.end(this.session(request.close!.session));
        return { close: {} };
      default:
        throw new CallRefusedError('bad_request', 'the request carries no call');
    }
  }

  private async reset(spec: Decoded<ResetRequest>, deadline: number) {
    const env = this.shared.envs.get(spec.family.split('/')[0]!);
    if (!env) {
      const served = [...this.shared.envs.keys()].join(', ');
      throw new CallRefusedError('unknown_family', `no task family ${JSON.stringify(spec.family)} on this gateway (it serves ${served})`);
    }
    const cap = this.shared.limits.maxSessionsPerClient;
    if (this.sessions.size + this.opening >= cap) {
      throw new CallRefusedError('too_many_sessions', `this gateway lets a client hold ${cap} session(s) at once; close one first`);
    }
    const options = parseOptions(spec.optionsJson);
    const reward = parseRewardMode(spec.reward);
    // The env server would ask the gateway, not this client, to play each person.
    if (spec.people === 'client')
      throw new CallRefusedError('bad_request', 'a gateway does not pass the playing of people on to its clients: reset with people "scripted"');
    this.opening += 1;
    let lease: Lease | undefined;
    try {
      lease = await this.lease(env, deadline);
      const reply = await lease.client.reset({
        family: spec.family,
        seed: spec.seed,
        split: spec.split,
        maxSteps: spec.maxSteps,
        options,
        reward,
        deadlineMs: remaining(deadline),
      });
      if (this.left.signal.aborted) {
        await lease.client.closeSession(reply.session, { deadlineMs: CLOSE_DEADLINE_MS }).catch(() => undefined);
        throw new CallRefusedError('env_error', 'the client left while its reset ran');
      }
      const id = randomUUID();
      this.sessions.set(id, { id, env: env.name, lease, inner: reply.session, lastActive: Date.now(), inFlight: 0, faulted: false });
      return { ...reply, session: id };
    } catch (error) {
      await lease?.release({ fault: isFault(error) });
      throw error;
    } finally {
      this.opening -= 1;
    }
  }

  /** A session slot of the env's pool, waiting while all are leased, until the deadline or the client leaves. */
  private async lease(env: GatewayEnv, deadline: number): Promise<Lease> {
    const wait = remaining(deadline);
    try {
      return await env.pool.acquire(AbortSignal.any([AbortSignal.timeout(wait), this.left.signal]));
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new CallRefusedError('deadline_exceeded', `no ${env.name} instance had a free session within ${wait} ms (all are leased)`);
      }
      throw error;
    }
  }

  private async onSession<T>(id: string, deadline: number, call: (session: RoutedSession, deadlineMs: number) => Promise<T>): Promise<T> {
    const session = this.session(id);
    session.inFlight += 1;
    try {
      return await call(session, remaining(deadline));
    } catch (error) {
      if (isFault(error) && !session.faulted) {
        session.faulted = true;
        this.shared.log(`${this.name}: session ${session.id} (${session.env}) failed: ${(error as Error).message}; its env server is replaced when it ends`);
      }
      throw error;
    } finally {
      session.inFlight -= 1;
      session.lastActive = Date.now();
    }
  }

  private session(id: string): RoutedSession {
    const session = this.sessions.get(id);
    if (session) {
      session.lastActive = Date.now();
      return session;
    }
    if (this.idleClosed.has(id)) {
      throw new CallRefusedError(
        'unknown_session',
        `session ${JSON.stringify(id)} was closed after ${seconds(this.shared.limits.idleTimeoutMs)} without a call`,
      );
    }
    throw new CallRefusedError('unknown_session', `no open session ${JSON.stringify(id)}`);
  }

  /**
   * Closes the session on its instance and gives the lease back. An instance that failed is
   * replaced instead (its sessions go with it: no close is sent to what may not answer).
   */
  private async end(session: RoutedSession): Promise<void> {
    if (!this.sessions.delete(session.id)) return;
    let fault = session.faulted;
    if (!fault) {
      await session.lease.client.closeSession(session.inner, { deadlineMs: CLOSE_DEADLINE_MS }).catch((error: unknown) => {
        fault = isFault(error);
      });
    }
    await session.lease.release({ fault });
  }
}

function checkVersion(clientVersion: number): void {
  if (clientVersion !== 0 && clientVersion !== PROTOCOL_VERSION) {
    throw new CallRefusedError('unsupported_version', `the gateway speaks protocol ${PROTOCOL_VERSION}, the client ${clientVersion}`);
  }
}

function parseOptions(json: string): Record<string, unknown> | undefined {
  if (!json) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw new CallRefusedError('bad_request', 'options_json must be a JSON object');
}

/**
 * Whether a failed call says the instance may be broken: it did not answer in time, its stream
 * broke, or it answered env_error. A refusal it answered itself (bad request, episode over) does not.
 */
function isFault(error: unknown): boolean {
  if (error instanceof CallRefusedError) return false;
  if (error instanceof RemoteError) return error.remoteCode === 'env_error';
  return !(error instanceof PoolClosedError);
}

/** The protocol code and message a failed call is answered with. */
function refusalOf(error: unknown): [code: string, message: string] {
  if (error instanceof CallRefusedError) return [error.remoteCode, error.message];
  if (error instanceof RemoteError) return [error.remoteCode, error.message.slice(error.remoteCode.length + 2)];
  if (error instanceof DeadlineExceededError) return ['deadline_exceeded', (error as Error).message];
  if (error instanceof PoolClosedError) return ['env_error', 'the gateway is shutting down'];
  return ['env_error', (error as Error).message ?? String(error)];
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

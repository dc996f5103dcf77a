import type { ExpertAction, Session, StepOutcome, ValidToolCall } from '../environment.js';
import type { Observation, ToolSpec, Verdict } from '../messages.js';

/**
 * The sessions an env opened and nobody has closed yet, so that closing the env closes them
 * (their pages, processes, servers) instead of leaving them to whoever forgot.
 */
export class OpenSessions {
  private readonly open = new Set<Session>();

  /** `session` as the env hands it out: closing it also takes it off this list. */
  track(session: Session): Session & AsyncDisposable {
    const tracked = new TrackedSession(session, () => this.open.delete(tracked));
    this.open.add(tracked);
    return tracked;
  }

  /** How many sessions are open. */
  get size(): number {
    return this.open.size;
  }

  /** Closes every open session; one that fails to close does not keep the others open. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.open].map((session) => session.close()));
  }
}

/** A session that tells its list when it closes; everything else is the env's own session. */
class TrackedSession implements Session, AsyncDisposable {
  readonly expert?: (signal: AbortSignal, strategy: string) => Promise<ExpertAction>;
  readonly state?: () => Promise<Readonly<Record<string, string>>>;

  constructor(
    private readonly inner: Session,
    private readonly closed: () => void,
  ) {
    // Only a session that has an expert offers one (the server answers `unsupported` otherwise).
    if (inner.expert) this.expert = (signal, strategy) => inner.expert!(signal, strategy);
    if (inner.state) this.state = () => inner.state!();
  }

  get instruction(): string {
    return this.inner.instruction;
  }

  get tools(): readonly ToolSpec[] {
    return this.inner.tools;
  }

  get observation(): Observation {
    return this.inner.observation;
  }

  step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    return this.inner.step(call, signal);
  }

  verify(signal: AbortSignal): Promise<Verdict> {
    return this.inner.verify(signal);
  }

  async close(): Promise<void> {
    this.closed();
    await this.inner.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

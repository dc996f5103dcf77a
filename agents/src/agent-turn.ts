import type { AgentAction } from './agent.js';
import { InfraFault } from './faults.js';

/** The episode's wall-time limit was reached while the agent was acting. */
export class EpisodeTimeLimit extends Error {}

/**
 * One act() of an agent, held to the agent's own deadline. Env calls made on the agent's behalf
 * (the expert's action) are the env's time: the agent's clock stops while they run, and an env
 * fault in one ends the turn with that fault, whatever the agent does with the error.
 */
export class AgentTurn {
  /** Time spent in env calls made for the agent. */
  envMs = 0;
  private readonly controller = new AbortController();
  private readonly failed: Promise<never>;
  private fail!: (error: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private agentUsedMs = 0;
  private runningSince = 0;
  private envCalls = 0;
  private envSince = 0;
  private over = false;

  /**
   * @param budgetMs the agent's own time for this act
   * @param deadline epoch ms past which the episode is cut (EpisodeTimeLimit)
   */
  constructor(
    private readonly budgetMs: number,
    private readonly deadline: number,
    private readonly outer?: AbortSignal,
  ) {
    this.failed = new Promise<never>((_, reject) => (this.fail = reject));
    this.failed.catch(() => undefined);
  }

  async act(run: (signal: AbortSignal) => Promise<AgentAction>): Promise<AgentAction> {
    if (Date.now() >= this.deadline) throw new EpisodeTimeLimit();
    this.outer?.throwIfAborted();
    const onAbort = () => this.end(this.outer!.reason);
    this.outer?.addEventListener('abort', onAbort, { once: true });
    this.start();
    try {
      return await Promise.race([run(this.controller.signal), this.failed]);
    } finally {
      this.over = true;
      clearTimeout(this.timer);
      this.outer?.removeEventListener('abort', onAbort);
    }
  }

  /** Runs an env call made for the agent: off the agent's clock; an env fault ends the turn. */
  async envCall<T>(call: () => Promise<T>): Promise<T> {
    if (this.envCalls++ === 0) this.stop();
    try {
      return await call();
    } catch (error) {
      if (error instanceof InfraFault) this.end(error);
      throw error;
    } finally {
      if (--this.envCalls === 0) {
        this.envMs += performance.now() - this.envSince;
        this.start();
      }
    }
  }

  private start(): void {
    if (this.over) return;
    this.runningSince = performance.now();
    const agentLeft = this.budgetMs - this.agentUsedMs;
    const wallLeft = this.deadline - Date.now();
    const cut = wallLeft <= agentLeft;
    this.timer = setTimeout(
      () => this.end(cut ? new EpisodeTimeLimit() : new Error(`did not act within ${this.budgetMs} ms`)),
      Math.max(0, Math.min(agentLeft, wallLeft)),
    );
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.agentUsedMs += performance.now() - this.runningSince;
    this.envSince = performance.now();
  }

  private end(error: unknown): void {
    this.controller.abort(error);
    this.fail(error);
  }
}

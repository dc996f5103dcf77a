import { ActionError, CallRefusedError } from './errors.js';
import type { ExpertAction, Session } from './environment.js';
import type { Observation, Task, ToolCall, Verdict } from './messages.js';
import type { workgym } from './gen/workgym.js';
import { validateToolCall } from './tool-validator.js';
import { paidReward, SHAPED_CAP, shapedReward, type ComponentDecl, type RewardMode } from './reward.js';

type StepResponse = workgym.v1.StepResponse.$Properties;
type ToolResult = workgym.v1.ToolResult.$Properties;

/** How one episode is run: its step limit, and what its reward pays. */
export interface EpisodeRules {
  /** 0: no limit. */
  maxSteps: number;
  reward: RewardMode;
  /** The family's declared components (empty: the env's own reward is the shaped one). */
  components: readonly ComponentDecl[];
}

/**
 * The server-side life of one session: validates calls, counts steps, applies the step limit
 * and runs the verifier when the episode ends, so every env gets the same Gymnasium semantics.
 */
export class Episode {
  private steps = 0;
  /** Why the session takes no more steps; undefined while it is running. */
  private ended: string | undefined;
  private observation: Observation;
  // Calls on one session are applied one step at a time, in arrival order.
  private queue: Promise<unknown> = Promise.resolve();
  private markCut: () => void = () => undefined;
  private readonly cut = new Promise<void>((resolve) => (this.markCut = resolve));

  constructor(
    readonly id: string,
    readonly task: Task,
    readonly session: Session,
    private readonly rules: EpisodeRules,
  ) {
    this.observation = session.observation;
  }

  step(calls: readonly ToolCall[], signal: AbortSignal): Promise<StepResponse> {
    return this.serialize(() => this.applyStep(calls, signal));
  }

  expert(signal: AbortSignal, strategy: string): Promise<ExpertAction> {
    return this.serialize(async () => {
      if (!this.session.expert) throw new CallRefusedError('unsupported', `${this.task.family} has no expert`);
      return this.session.expert(signal, strategy);
    });
  }

  /** Runs `work` after the session's earlier calls, unless the session has ended by then. */
  private async serialize<T>(work: () => Promise<T>): Promise<T> {
    this.refuseIfOver();
    // A step cut by its deadline may go on inside the env: calls waiting behind it are refused
    // at the cut, not when (or if) it finishes.
    const next = Promise.race([this.queue, this.cut]).then(() => {
      this.refuseIfOver();
      return work();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private refuseIfOver(): void {
    if (this.ended !== undefined) {
      throw new CallRefusedError('episode_over', `session ${this.id} has ended (${this.ended}); close it and reset to start another episode`);
    }
  }

  private async applyStep(calls: readonly ToolCall[], signal: AbortSignal): Promise<StepResponse> {
    this.steps += 1;
    const index = this.steps;
    // A step cut by its deadline is the session's last: what its calls changed before the abort
    // stays, and a state nobody observed is neither stepped on nor verified.
    const cut = () => {
      this.ended ??= `step ${index} passed its deadline`;
      this.markCut();
    };
    signal.addEventListener('abort', cut, { once: true });
    try {
      return await this.applyCalls(calls, signal);
    } finally {
      signal.removeEventListener('abort', cut);
    }
  }

  private async applyCalls(calls: readonly ToolCall[], signal: AbortSignal): Promise<StepResponse> {
    const results: ToolResult[] = [];
    let reward = 0;
    let terminated = false;
    let info: Record<string, unknown> | undefined;
    if (calls.length === 0) {
      const message = 'the step carried no tool call; call one of the tools';
      const text = `Error (no_tool_call): ${message}`;
      this.observation = { ...this.observation, text, rawSize: Buffer.byteLength(text) };
      results.push({ callId: '', text, error: { kind: 'no_tool_call', message } });
    }
    for (const call of calls) {
      signal.throwIfAborted();
      try {
        const outcome = await this.session.step(validateToolCall(call, this.session.tools), signal);
        signal.throwIfAborted();
        this.observation = outcome.observation;
        reward += outcome.reward ?? 0;
        terminated = outcome.terminated ?? false;
        info = outcome.info;
        results.push({ callId: call.id ?? '', text: outcome.observation.text ?? '', ...(outcome.people?.length ? { people: outcome.people } : {}) });
      } catch (error) {
        if (!(error instanceof ActionError) || signal.aborted) throw error;
        const text = `Error (${error.kind}): ${error.message}`;
        this.observation = { ...this.observation, text, rawSize: Buffer.byteLength(text) };
        results.push({ callId: call.id ?? '', text, error: { kind: error.kind, message: error.message } });
      }
      if (terminated) break;
    }
    const truncated = !terminated && this.rules.maxSteps > 0 && this.steps >= this.rules.maxSteps;
    let verdict: Verdict | undefined;
    if (terminated || truncated) {
      this.ended = terminated ? 'terminated' : `truncated at max_steps ${this.rules.maxSteps}`;
      verdict = this.paid(await this.session.verify(signal));
      reward = verdict.reward ?? 0;
    }
    return {
      results,
      observation: this.observation,
      reward,
      terminated,
      truncated,
      infoJson: info ? JSON.stringify(info) : '',
      verdict,
      stepIndex: this.steps,
    };
  }

  /**
   * The verdict with the reward the rules pay: success, or the shaped reward the family's
   * declared components give (the env's own reward where it declares none).
   */
  private paid(verdict: Verdict): Verdict {
    const success = verdict.success ?? false;
    const shaped =
      this.rules.components.length > 0
        ? shapedReward(this.rules.components, success, verdict.components ?? {})
        : success
          ? 1
          : Math.min(verdict.reward ?? 0, SHAPED_CAP);
    return { ...verdict, reward: paidReward(this.rules.reward, success, shaped), shapedReward: shaped };
  }
}

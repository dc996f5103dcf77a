import type { AgentInfo } from '@workgym/trajectories';
import type { Agent, AgentAction, AgentContext } from '../agent.js';
import { injectedCall, stepDigest } from './injected-call.js';

export interface ExpertAgentOptions {
  /** One of each family's expert strategies (`--expert-variant`); none: the seed's default. */
  strategy?: string;
  /**
   * Probability (0..1) that a step's expert call is replaced by a random candidate action
   * (DART-style noise): the expert then recovers from the state that results, so the data
   * covers recovery. Injected steps are marked in the record. Calls that end the episode
   * (`submit`, `answer`) are never injected: a noisy episode shows a recovery, not an early end.
   */
  noise?: number;
  /** Makes the noise reproducible: which steps are injected, and with what, is a hash of (seed, episode, step). */
  seed?: number;
}

/** Acts as the task's reference solution does: expert demonstrations, optionally with noise. */
export class ExpertAgent implements Agent {
  readonly info: AgentInfo;
  private readonly strategy: string | undefined;
  private readonly noise: number;
  private readonly seed: number;

  constructor(options: ExpertAgentOptions = {}) {
    this.strategy = options.strategy || undefined;
    this.noise = options.noise ?? 0;
    this.seed = options.seed ?? 0;
    if (!(this.noise >= 0 && this.noise <= 1)) throw new RangeError(`noise must be between 0 and 1, not ${this.noise}`);
    // What the run's episodes share (a resume must keep it): the strategy asked for and the noise.
    const settings = { ...(this.strategy ? { strategy: this.strategy } : {}), ...(this.noise > 0 ? { noise: this.noise } : {}) };
    this.info = {
      kind: 'expert',
      model: '',
      contextPolicy: 'none',
      ...(Object.keys(settings).length ? { sampling: { ...(this.noise > 0 ? { seed: this.seed } : {}), extraJson: JSON.stringify(settings) } } : {}),
    };
  }

  async act(context: AgentContext, signal: AbortSignal): Promise<AgentAction> {
    const injected = this.injection(context);
    if (injected) return injected;
    const reply = await context.expert(signal, { strategy: this.strategy });
    return {
      calls: reply.calls.map((c, i) => ({ ...c, id: `expert-${context.stepIndex}-${i}` })),
      text: reply.text,
      strategy: reply.strategy,
    };
  }

  /** A random candidate that does not end the episode in place of the expert's call, with probability `noise`. */
  private injection(context: AgentContext): AgentAction | undefined {
    if (this.noise === 0) return undefined;
    const digest = stepDigest(this.seed, context);
    if (digest.readUInt32BE(0) / 2 ** 32 >= this.noise) return undefined;
    return injectedCall(context, digest, 'noise');
  }
}

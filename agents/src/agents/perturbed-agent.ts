import type { AgentInfo } from '@workgym/trajectories';
import type { Agent, AgentAction, AgentContext } from '../agent.js';
import { injectedCall, stepDigest } from './injected-call.js';

/**
 * Starts each episode off the agent's own path: for the first `steps` steps a random candidate
 * action that does not end the episode (marked injected) is taken in place of the agent's call,
 * then the agent takes over from wherever that led. Which candidate is a hash of (seed,
 * episode, step), so two agents evaluated on the same tasks start from the same perturbed
 * states (the envs are deterministic), and their results pair by task.
 */
export class PerturbedAgent implements Agent {
  readonly info: AgentInfo;
  readonly selfEvaluate?: Agent['selfEvaluate'];

  constructor(
    private readonly agent: Agent,
    private readonly steps: number,
    private readonly seed = 0,
  ) {
    if (!(Number.isInteger(steps) && steps >= 0)) throw new RangeError(`perturbed steps must be a whole number, not ${steps}`);
    // Recorded with the agent's own settings, so a run says that its first steps were not the agent's.
    const sampling = agent.info.sampling ?? {};
    const extra = { ...(sampling.extraJson ? (JSON.parse(sampling.extraJson) as object) : {}), perturbSteps: steps, perturbSeed: seed };
    this.info = { ...agent.info, sampling: { ...sampling, extraJson: JSON.stringify(extra) } };
    if (agent.selfEvaluate) this.selfEvaluate = (context, signal) => agent.selfEvaluate!(context, signal);
  }

  async act(context: AgentContext, signal: AbortSignal): Promise<AgentAction> {
    const injected = context.stepIndex < this.steps ? injectedCall(context, stepDigest(this.seed, context), 'perturb') : undefined;
    return injected ?? this.agent.act(context, signal);
  }
}

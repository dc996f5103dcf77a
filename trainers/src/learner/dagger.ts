import { join } from 'node:path';
import { rollout, type Agent, type AgentAction, type AgentContext, type Parallel } from '@workgym/agents';
import type { EnvRuntime } from '@workgym/runtime';
import type { EvalEnv } from '../eval/run-eval.js';
import { matchCandidate } from './candidate-match.js';
import type { Decision, LinearPolicy } from './linear-policy.js';
import { stateFromContext } from './policy-state.js';
import { seededRandom, seedOf } from './rng.js';

/**
 * Acts with the learner, and at every state it reaches asks the env's expert what it would do
 * there, keeping (state, expert action) as a decision: DAgger's data. Behaviour cloning alone
 * only sees the expert's own states; DAgger adds the states the learner's mistakes lead to.
 */
class DaggerAgent implements Agent {
  readonly info = { kind: 'dagger', model: 'workgym-linear', contextPolicy: 'full' };
  readonly decisions: Decision[] = [];

  constructor(
    private readonly policy: LinearPolicy,
    private readonly temperature: number,
  ) {}

  async act(context: AgentContext, signal: AbortSignal): Promise<AgentAction> {
    const state = stateFromContext(context);
    if (state.candidates.length === 0) return { calls: [], text: 'no candidate actions' };
    const expert = (await context.expert(signal)).calls[0];
    const label = expert ? matchCandidate({ name: expert.name ?? '', argumentsJson: expert.argumentsJson || '{}' }, state.candidates) : -1;
    const features = this.policy.features(state);
    if (label >= 0) this.decisions.push({ features, chosen: label, weight: 1 });
    const { index } = this.policy.choose(state, this.temperature, seededRandom(seedOf(`${context.episodeId}:${context.stepIndex}`)));
    const pick = state.candidates[index]!;
    return { calls: [{ id: `dagger-${context.stepIndex}`, name: pick.name, argumentsJson: pick.argumentsJson }] };
  }
}

export interface DaggerOptions {
  runtime: EnvRuntime;
  envs: (EvalEnv & { maxSteps?: number })[];
  /** Folder for each round's run. */
  out: string;
  rounds: number;
  tasksPerFamily: number;
  /** Decisions to start from (behaviour cloning data); the aggregate grows each round. */
  initial?: Decision[];
  epochs?: number;
  /** Sampling temperature of the learner while collecting (default 0.5). */
  temperature?: number;
  seed?: number;
  parallel?: Parallel;
  log?: (line: string) => void;
}

/**
 * DAgger (Ross et al. 2011): for each round, roll the current policy out on fresh train seeds,
 * label every visited state with the expert's action, add those to the data, retrain on all of it.
 */
export async function dagger(policy: LinearPolicy, options: DaggerOptions): Promise<{ decisions: number; rounds: number }> {
  const data: Decision[] = [...(options.initial ?? [])];
  for (let round = 0; round < options.rounds; round++) {
    const agent = new DaggerAgent(policy, options.temperature ?? 0.5);
    for (const env of options.envs) {
      await rollout({
        runtime: options.runtime,
        agent,
        envs: [env],
        out: join(options.out, `round-${round}-${env.name}`),
        tasksPerFamily: options.tasksPerFamily,
        group: 1,
        split: 'train',
        seed: (options.seed ?? 10_000) + round * options.tasksPerFamily,
        parallel: options.parallel ?? 2,
        limits: { maxSteps: env.maxSteps ?? 30, stepDeadlineMs: 60_000, episodeDeadlineMs: 30 * 60_000 },
        spec: { purpose: 'dagger', round },
      });
    }
    data.push(...agent.decisions);
    const random = seededRandom(round);
    let loss = 0;
    for (let epoch = 0; epoch < (options.epochs ?? 4); epoch++) {
      for (let i = data.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [data[i], data[j]] = [data[j]!, data[i]!];
      }
      loss = policy.update(data);
    }
    options.log?.(`dagger round ${round}: +${agent.decisions.length} labelled states, ${data.length} in all, loss ${loss.toFixed(4)}`);
  }
  policy.meta = {
    ...policy.meta,
    method: policy.meta.method === 'untrained' ? 'dagger' : `${policy.meta.method}+dagger`,
    trainedOn: [...new Set([...policy.meta.trainedOn, ...options.envs.flatMap((e) => e.families)])].sort(),
    examples: data.length,
    history: [
      ...policy.meta.history,
      { step: 'dagger', detail: `${options.rounds} rounds of ${options.tasksPerFamily} tasks per family, ${data.length} decisions` },
    ],
  };
  return { decisions: data.length, rounds: options.rounds };
}

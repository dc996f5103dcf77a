import type { DecodedObservation, Decoded, ExpertReply, Task, ToolCall, ToolSpec } from '@workgym/protocol';
import type { AgentInfo, TokenLogprob, TokenUsage } from '@workgym/trajectories';
import type { Pacing } from './rollout/parallelism.js';

/** One earlier step as the agent took it and the env answered it. */
export interface Turn {
  observation: DecodedObservation;
  action: AgentAction;
  /** One result per tool call, in order: the text the model sees as each tool message. */
  results: { callId: string; text: string; errorKind: string }[];
}

/** Everything an agent may look at to choose its next action. */
export interface AgentContext {
  readonly episodeId: string;
  readonly task: Decoded<Task>;
  readonly tools: readonly Decoded<ToolSpec>[];
  readonly history: readonly Turn[];
  readonly observation: DecodedObservation;
  readonly stepIndex: number;
  /**
   * The task's reference solution's next action at this state and why (expert data, DAgger).
   * `strategy` names one of the family's expert strategies; without it the env follows the
   * seed's default. The reply says which strategy it followed.
   */
  expert(signal: AbortSignal, options?: { strategy?: string }): Promise<ExpertReply>;
}

/** What an agent does at one step: tool calls, optionally with text, and what it cost. */
export interface AgentAction {
  calls: ToolCall[];
  text?: string;
  /** The model's output before parsing, verbatim. */
  rawOutput?: string;
  usage?: TokenUsage;
  logprobs?: TokenLogprob[];
  /** The expert strategy the calls followed (recorded per step, so data can be split by strategy). */
  strategy?: string;
  /** The calls are noise put in place of the agent's own (a training context, never a target). */
  injected?: boolean;
}

/**
 * An agent. `act` must not keep per-episode state in the object: the same agent acts in many
 * episodes at once, and everything about an episode is in its context.
 */
export interface Agent {
  /** Recorded in every trajectory: kind, model, sampling, context policy. */
  readonly info: AgentInfo;
  /**
   * What paces its episodes (default 'cpu'): 'remote' when they mostly wait on something
   * elsewhere (a model server), so that `--parallel auto` runs more of them than cores.
   */
  readonly pacing?: Pacing;
  act(context: AgentContext, signal: AbortSignal): Promise<AgentAction>;
  /** The agent's own probability (0..1) that it succeeded, asked once at the end. */
  selfEvaluate?(context: AgentContext, signal: AbortSignal): Promise<number | undefined>;
}

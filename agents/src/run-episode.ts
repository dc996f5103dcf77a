import type { DecodedObservation, EnvClient, RewardMode, StepReply, ToolCall } from '@workgym/protocol';
import type { EpisodeRecord, EpisodeStatus, ImageRef, StepRecord } from '@workgym/trajectories';
import type { Agent, AgentAction, AgentContext, Turn } from './agent.js';
import { AgentTurn, EpisodeTimeLimit } from './agent-turn.js';
import { ActionFault, classifyEnvError, InfraFault, RolloutConfigError } from './faults.js';

export interface EpisodeTask {
  env: string;
  family: string;
  seed: number;
  split: string;
  /** The family's reset options (a JSON object the env reads, e.g. which cases of a benchmark task). */
  options?: Record<string, unknown>;
}

export interface EpisodeIds {
  runId: string;
  episodeId: string;
  groupId: string;
}

export interface EpisodeLimits {
  maxSteps: number;
  /** How long the agent may take to act at one step: its own time (env calls it makes are the env's). */
  stepDeadlineMs: number;
  /** Wall time for the whole episode; past it the episode is cut (status truncated). */
  episodeDeadlineMs: number;
  /** How long one env call (reset, step, expert, close) may take before the env counts as hung (default: the client's). */
  envDeadlineMs?: number;
  /**
   * Steps in a row making the same calls (tool names and arguments) and getting the same answer
   * (results and observation) after which the episode ends as `stuck`, a failure of the agent
   * (default STUCK_AFTER; 0: never).
   */
  stuckAfter?: number;
}

/** The default of EpisodeLimits.stuckAfter. */
export const STUCK_AFTER = 5;

export interface RunEpisodeOptions {
  client: EnvClient;
  agent: Agent;
  task: EpisodeTask;
  ids: EpisodeIds;
  limits: EpisodeLimits;
  /** What the final reward pays: the verdict's success, 0 or 1 (the default), or the shaped reward. */
  reward?: RewardMode;
  /** Who plays the task's people: the env's scripts (the default), or the client's `playPerson`. */
  people?: 'scripted' | 'client';
  env: { version: string; imageId: string };
  /** Stores an image's bytes; returns its sha256 (the run's blob store). */
  putBlob?: (bytes: Uint8Array) => Promise<string>;
  /** An env fault that leaves the record whole (closing the session failed): the instance should not serve again. */
  onEnvFault?: (fault: InfraFault) => void;
  signal?: AbortSignal;
}

/**
 * Plays one episode and returns its record. Agent failures are part of the record
 * (agent_error, stuck). Env failures throw: an ActionFault once the agent has acted (the caller finds
 * out whose fault it was), an InfraFault before.
 */
export async function runEpisode(options: RunEpisodeOptions): Promise<EpisodeRecord> {
  const { client, agent, task, ids, limits } = options;
  const rewardMode = options.reward ?? 'success';
  const startedAt = Date.now();
  const clock = performance.now();
  const envOptions = { signal: options.signal, deadlineMs: limits.envDeadlineMs };
  let envMs = 0;
  const timedEnv = async <T>(during: string, call: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await call();
    } catch (error) {
      throw classifyEnvError(error, during);
    } finally {
      envMs += performance.now() - t0;
    }
  };
  const reset = await timedEnv(`reset ${task.family} seed ${task.seed}`, () =>
    client.reset({
      family: task.family,
      seed: task.seed,
      split: task.split,
      maxSteps: limits.maxSteps,
      options: task.options,
      reward: rewardMode,
      ...(options.people ? { people: options.people } : {}),
      ...envOptions,
    }),
  );
  let envFailed = false;
  let closed = false;
  const closeSession = async () => {
    if (closed || envFailed) return;
    closed = true;
    await timedEnv('close', () => client.closeSession(reset.session, envOptions)).catch((error: unknown) => {
      if (error instanceof InfraFault) options.onEnvFault?.(error);
    });
  };
  const steps: StepRecord[] = [];
  const history: Turn[] = [];
  let observation = reset.observation!;
  let last: StepReply | undefined;
  let status: EpisodeStatus | undefined;
  let errorMessage = '';
  let agentMs = 0;
  const deadline = startedAt + limits.episodeDeadlineMs;
  const expert = (signal: AbortSignal, asked?: { strategy?: string }) =>
    timedEnv('expert', () => client.expert(reset.session, { ...envOptions, signal, strategy: asked?.strategy }));
  const context = (turn?: AgentTurn): AgentContext => ({
    episodeId: ids.episodeId,
    task: reset.task!,
    tools: reset.tools,
    history,
    observation,
    stepIndex: steps.length,
    expert: turn ? (signal, asked) => turn.envCall(() => expert(signal, asked)) : expert,
  });
  const record = (): EpisodeRecord => ({
    ...ids,
    env: task.env,
    family: task.family,
    job: reset.task!.job,
    difficulty: reset.task!.difficulty,
    verifierVersion: reset.task!.verifierVersion,
    scenario: reset.task!.scenario,
    seed: task.seed,
    split: reset.task!.split,
    instruction: reset.task!.instruction,
    tools: reset.tools.map((t) => ({ name: t.name, description: t.description, parametersJson: t.parametersJson })),
    agent: agent.info,
    envVersion: options.env.version,
    imageId: options.env.imageId,
    steps,
    finalReward: agentFailed(status) ? 0 : (last?.verdict?.reward ?? 0),
    rewardMode,
    shapedReward: agentFailed(status) ? 0 : (last?.verdict?.shapedReward ?? 0),
    rewardComponents: last?.verdict?.components ?? {},
    verdictDetail: last?.verdict?.detail ?? '',
    stateChanges: stateChangesOf(last?.verdict),
    stateChangesTruncated: last?.verdict?.changesTruncated ?? false,
    success: status === 'success',
    // Known from the verdict only: an episode that ended without one records false.
    infeasible: last?.verdict?.infeasible ?? false,
    status,
    errorMessage,
    attempts: 1,
    timings: { startedAtMs: startedAt, endedAtMs: Date.now(), agentMs, envMs, totalMs: performance.now() - clock },
  });
  /** The env failed after the agent acted: the episode as it stands goes with the fault. */
  const actionFault = (fault: InfraFault, failed: 'step' | 'expert') => {
    status = 'env_broken';
    errorMessage = fault.message;
    return new ActionFault(fault, failed, calledSoFar(steps), record());
  };
  const repeats = repeatCounter();
  try {
    while (!last?.terminated && !last?.truncated) {
      const turn = new AgentTurn(limits.stepDeadlineMs, deadline, options.signal);
      const t0 = performance.now();
      let action: AgentAction;
      try {
        action = await turn.act((signal) => agent.act(context(turn), signal));
      } catch (error) {
        if (error instanceof EpisodeTimeLimit) {
          status = 'truncated';
          errorMessage = `episode time limit of ${limits.episodeDeadlineMs} ms reached`;
        } else if (options.signal?.aborted) {
          throw options.signal.reason;
        } else if (error instanceof RolloutConfigError) {
          // The env refused what the agent asked of it for the rollout (an unknown expert strategy).
          throw error;
        } else if (error instanceof InfraFault) {
          // The env failed answering the expert call made for the agent.
          envFailed = true;
          throw steps.length === 0 ? error : actionFault(error, 'expert');
        } else {
          status = 'agent_error';
          errorMessage = `agent failed at step ${steps.length}: ${(error as Error).message ?? String(error)}`;
        }
        break;
      }
      const actMs = performance.now() - t0 - turn.envMs;
      agentMs += actMs;
      const calls = sanitizeCalls(action.calls, steps.length);
      const t1 = performance.now();
      try {
        last = await timedEnv(`step ${steps.length} of ${task.family}`, () => client.step(reset.session, calls, envOptions));
      } catch (error) {
        if (options.signal?.aborted || !(error instanceof InfraFault)) throw error;
        envFailed = true;
        steps.push(await stepRecord(steps.length, observation, action, calls, undefined, actMs, performance.now() - t1, options.putBlob));
        throw actionFault(error, 'step');
      }
      steps.push(await stepRecord(steps.length, observation, action, calls, last, actMs, performance.now() - t1, options.putBlob));
      history.push({
        observation,
        action: { ...action, calls },
        results: last.results.map((r) => ({ callId: r.callId, text: r.text, errorKind: r.error?.kind ?? '' })),
      });
      observation = last.observation!;
      const repeated = repeats(calls, last);
      const stuckAfter = limits.stuckAfter ?? STUCK_AFTER;
      if (stuckAfter > 0 && repeated >= stuckAfter && !last.terminated && !last.truncated) {
        // The same act answered the same way, again and again: a policy loop, not progress (an expert
        // adding 1 to a counter repeats its call too, but the env's answer changes each time).
        status = 'stuck';
        errorMessage = `the agent made the same call${calls.length > 1 ? 's' : ''} ${repeated} times in a row: ${callsText(calls)}`;
        break;
      }
    }
    await closeSession();
    status ??= last?.verdict?.success ? 'success' : last?.truncated ? 'truncated' : 'failure';
    const selfEvaluation =
      status === 'agent_error' || !agent.selfEvaluate
        ? undefined
        : await agent.selfEvaluate(context(), options.signal ?? new AbortController().signal).catch(() => undefined);
    return { ...record(), selfEvaluation };
  } finally {
    await closeSession();
  }
}

/**
 * Counts the steps in a row that made the same calls, tool names and arguments (as JSON values:
 * spacing and key order aside), and got the same results and observation. A step with no call
 * breaks the run.
 */
/** Statuses that are the agent's failure: reward 0, whatever the verifier would say. */
/** The verdict's state changes as plain records: a decoded message leaves an unset `before` or `after` null. */
function stateChangesOf(verdict: StepReply['verdict'] | undefined): NonNullable<EpisodeRecord['stateChanges']> {
  return (verdict?.changes ?? []).map((c) => ({
    key: c.key,
    ...(c.before != null ? { before: c.before } : {}),
    ...(c.after != null ? { after: c.after } : {}),
    ...(c.truncated ? { truncated: true } : {}),
  }));
}

function agentFailed(status: EpisodeStatus | undefined): boolean {
  return status === 'agent_error' || status === 'env_broken' || status === 'stuck';
}

function repeatCounter(): (calls: readonly ToolCall[], reply: StepReply) => number {
  let previous = '';
  let count = 0;
  return (calls, reply) => {
    const key =
      calls.length === 0
        ? ''
        : JSON.stringify([
            calls.map((c) => [c.name ?? '', canonicalArguments(c.argumentsJson ?? '')]),
            reply.results.map((r) => [r.text, r.error?.kind ?? '', r.error?.message ?? '']),
            reply.observation?.text ?? '',
          ]);
    if (key === '') count = 0;
    else count = key === previous ? count + 1 : 1;
    previous = key;
    return count;
  };
}

function canonicalArguments(json: string): string {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, v]) => [k, sorted(v)]),
          )
        : value;
  try {
    return JSON.stringify(sorted(JSON.parse(json)));
  } catch {
    return json;
  }
}

/** `add({"amount":1})`, cut short: for an error message. */
function callsText(calls: readonly ToolCall[]): string {
  const text = calls.map((c) => `${c.name}(${c.argumentsJson})`).join(', ');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Each recorded step's tool calls (as sent: the sanitized calls). */
function calledSoFar(steps: StepRecord[]): ToolCall[][] {
  return steps.map((s) => s.toolCalls as ToolCall[]);
}

/** Whatever an agent returned, the env gets well-formed calls (ids filled in, strings only). */
function sanitizeCalls(calls: unknown, step: number): ToolCall[] {
  if (!Array.isArray(calls)) return [];
  return calls.map((c, i) => {
    const call = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
    const args = call.argumentsJson;
    return {
      id: typeof call.id === 'string' && call.id ? call.id : `call-${step}-${i}`,
      name: typeof call.name === 'string' ? call.name : '',
      argumentsJson: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    };
  });
}

async function stepRecord(
  index: number,
  observation: DecodedObservation,
  action: AgentAction,
  calls: ToolCall[],
  /** None when the env failed carrying the step out: the step ends the episode, reward 0. */
  reply: StepReply | undefined,
  agentMs: number,
  envMs: number,
  putBlob?: (bytes: Uint8Array) => Promise<string>,
): Promise<StepRecord> {
  const images: ImageRef[] = [];
  for (const image of observation.images) {
    const sha256 = putBlob ? await putBlob(image.data) : '';
    images.push({ sha256, mimeType: image.mimeType, size: image.data.length, label: image.label });
  }
  return {
    index,
    observation: {
      text: observation.text,
      // protobufjs decodes uint64 as a Long: the record keeps a number.
      rawSize: Number(observation.rawSize.toString()) || Buffer.byteLength(observation.text),
      images,
      dataJson: observation.dataJson,
      candidates: observation.candidates.map((c) => ({ id: c.id, name: c.name, argumentsJson: c.argumentsJson })),
    },
    text: action.text ?? '',
    toolCalls: calls,
    rawOutput: action.rawOutput ?? '',
    usage: action.usage,
    logprobs: action.logprobs ?? [],
    results: (reply?.results ?? []).map((r) => ({
      callId: r.callId,
      text: r.text,
      errorKind: r.error?.kind ?? '',
      errorMessage: r.error?.message ?? '',
      people: r.people.map(({ who, name, channel, text }) => ({ who, name, channel, text })),
    })),
    reward: reply?.reward ?? 0,
    terminated: reply ? reply.terminated : true,
    truncated: reply?.truncated ?? false,
    errorKind: reply ? (reply.results.find((r) => r.error)?.error?.kind ?? '') : 'env_broken',
    agentMs,
    envMs,
    injected: action.injected ?? false,
    strategy: action.strategy ?? '',
  };
}

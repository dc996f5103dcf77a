import type { DecodedObservation, EnvClient, StepReply, ToolCall } from '@workgym/protocol';
import type { EpisodeRecord, EpisodeStatus, ImageRef, StepRecord } from '@workgym/trajectories';
import type { Agent, AgentAction, AgentContext, Turn } from './agent.js';
import { classifyEnvError, InfraFault } from './faults.js';

export interface EpisodeTask {
  env: string;
  family: string;
  seed: number;
  split: string;
}

export interface EpisodeIds {
  runId: string;
  episodeId: string;
  groupId: string;
}

export interface EpisodeLimits {
  maxSteps: number;
  /** How long the agent may take to act at one step. */
  stepDeadlineMs: number;
  /** Wall time for the whole episode; past it the episode is cut (status truncated). */
  episodeDeadlineMs: number;
}

export interface RunEpisodeOptions {
  client: EnvClient;
  agent: Agent;
  task: EpisodeTask;
  ids: EpisodeIds;
  limits: EpisodeLimits;
  env: { version: string; imageId: string };
  /** Stores an image's bytes; returns its sha256 (the run's blob store). */
  putBlob?: (bytes: Uint8Array) => Promise<string>;
  signal?: AbortSignal;
}

class EpisodeTimeLimit extends Error {}

/**
 * Plays one episode and returns its record. Agent failures are part of the record
 * (agent_error); env failures throw an InfraFault so the caller can retry on another instance.
 */
export async function runEpisode(options: RunEpisodeOptions): Promise<EpisodeRecord> {
  const { client, agent, task, ids, limits } = options;
  const startedAt = Date.now();
  const clock = performance.now();
  const envCall = async <T>(during: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw classifyEnvError(error, during);
    }
  };
  let envMs = 0;
  const timedEnv = async <T>(during: string, call: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await envCall(during, call);
    } finally {
      envMs += performance.now() - t0;
    }
  };
  const reset = await timedEnv(`reset ${task.family} seed ${task.seed}`, () =>
    client.reset({ family: task.family, seed: task.seed, split: task.split, maxSteps: limits.maxSteps, signal: options.signal }),
  );
  let closed = false;
  const closeSession = async () => {
    if (closed) return;
    closed = true;
    await timedEnv('close', () => client.closeSession(reset.session)).catch(() => undefined);
  };
  const steps: StepRecord[] = [];
  const history: Turn[] = [];
  let observation = reset.observation!;
  let last: StepReply | undefined;
  let status: EpisodeStatus | undefined;
  let errorMessage = '';
  let agentMs = 0;
  const deadline = startedAt + limits.episodeDeadlineMs;
  const context = (): AgentContext => ({
    episodeId: ids.episodeId,
    task: reset.task!,
    tools: reset.tools,
    history,
    observation,
    stepIndex: steps.length,
    expert: (signal) => envCall('expert', () => client.expert(reset.session, { signal })),
  });
  try {
    while (!last?.terminated && !last?.truncated) {
      const t0 = performance.now();
      let action: AgentAction;
      try {
        action = await actWithin(agent, context(), limits.stepDeadlineMs, deadline, options.signal);
      } catch (error) {
        if (error instanceof EpisodeTimeLimit) {
          status = 'truncated';
          errorMessage = `episode time limit of ${limits.episodeDeadlineMs} ms reached`;
        } else if (options.signal?.aborted) {
          throw options.signal.reason;
        } else if (error instanceof InfraFault) {
          throw error; // the env failed while the agent asked it for the expert action
        } else {
          status = 'agent_error';
          errorMessage = `agent failed at step ${steps.length}: ${(error as Error).message ?? String(error)}`;
        }
        break;
      }
      const actMs = performance.now() - t0;
      agentMs += actMs;
      const calls = sanitizeCalls(action.calls, steps.length);
      const t1 = performance.now();
      last = await timedEnv(`step ${steps.length} of ${task.family}`, () => client.step(reset.session, calls, { signal: options.signal }));
      steps.push(await stepRecord(steps.length, observation, action, calls, last, actMs, performance.now() - t1, options.putBlob));
      history.push({
        observation,
        action: { ...action, calls },
        results: last.results.map((r) => ({ callId: r.callId, text: r.text, errorKind: r.error?.kind ?? '' })),
      });
      observation = last.observation!;
    }
    await closeSession();
    const verdict = last?.verdict;
    status ??= verdict?.success ? 'success' : last?.truncated ? 'truncated' : 'failure';
    const selfEvaluation =
      status === 'agent_error' || !agent.selfEvaluate ? undefined : await agent.selfEvaluate(context(), options.signal ?? new AbortController().signal).catch(() => undefined);
    const endedAt = Date.now();
    return {
      ...ids,
      env: task.env,
      family: task.family,
      job: reset.task!.job,
      seed: task.seed,
      split: reset.task!.split,
      instruction: reset.task!.instruction,
      tools: reset.tools.map((t) => ({ name: t.name, description: t.description, parametersJson: t.parametersJson })),
      agent: agent.info,
      envVersion: options.env.version,
      imageId: options.env.imageId,
      steps,
      finalReward: status === 'agent_error' ? 0 : (verdict?.reward ?? 0),
      rewardComponents: verdict?.components ?? {},
      success: status === 'success',
      selfEvaluation,
      status,
      errorMessage,
      attempts: 1,
      timings: { startedAtMs: startedAt, endedAtMs: endedAt, agentMs, envMs, totalMs: performance.now() - clock },
    };
  } finally {
    await closeSession();
  }
}

async function actWithin(agent: Agent, context: AgentContext, stepMs: number, deadline: number, outer?: AbortSignal): Promise<AgentAction> {
  const left = deadline - Date.now();
  if (left <= 0) throw new EpisodeTimeLimit();
  const episodeBound = left < stepMs;
  const ms = Math.min(stepMs, left);
  const controller = new AbortController();
  const stop = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = episodeBound ? new EpisodeTimeLimit() : new Error(`did not act within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([agent.act(context, controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', stop);
  }
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
  reply: StepReply,
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
      rawSize: observation.rawSize || Buffer.byteLength(observation.text),
      images,
      dataJson: observation.dataJson,
      candidates: observation.candidates.map((c) => ({ id: c.id, name: c.name, argumentsJson: c.argumentsJson })),
    },
    text: action.text ?? '',
    toolCalls: calls,
    rawOutput: action.rawOutput ?? '',
    usage: action.usage,
    logprobs: action.logprobs ?? [],
    results: reply.results.map((r) => ({ callId: r.callId, text: r.text, errorKind: r.error?.kind ?? '', errorMessage: r.error?.message ?? '' })),
    reward: reply.reward,
    terminated: reply.terminated,
    truncated: reply.truncated,
    errorKind: reply.results.find((r) => r.error)?.error?.kind ?? '',
    agentMs,
    envMs,
  };
}

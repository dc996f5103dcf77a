import type { EnvClient } from '@workgym/protocol';
import { classifyEnvError, InfraFault, type ActionFault } from '../faults.js';
import type { EpisodeLimits, EpisodeTask } from '../run-episode.js';

export interface FaultAttribution {
  /** The same call failed again on a fresh instance: the agent's actions broke the env. */
  agentCaused: boolean;
  /** The replay left the instance able to serve another episode. */
  healthy: boolean;
  message: string;
}

/**
 * Settles whose fault an action fault was. An env is deterministic given its task and the
 * actions taken, so the episode's recorded tool calls are replayed on a fresh instance, without
 * asking the agent anything, up to and including the call that failed. If that call fails
 * again, the agent's actions broke the env (a FIFO it reads, a bomb, a tree too deep); if the
 * replay gets through it, the first instance was at fault (a killed or paused container). A
 * replay that fails earlier, or at reset, proves nothing about the agent and counts as the env's.
 */
export async function attributeActionFault(
  client: EnvClient,
  task: EpisodeTask,
  fault: ActionFault,
  limits: EpisodeLimits,
  signal?: AbortSignal,
): Promise<FaultAttribution> {
  const options = { signal, deadlineMs: limits.envDeadlineMs };
  let at = 'reset';
  let session: string;
  try {
    ({ session } = await client.reset({
      family: task.family,
      seed: task.seed,
      split: task.split,
      maxSteps: limits.maxSteps,
      options: task.options,
      ...options,
    }));
    for (const [index, calls] of fault.calls.entries()) {
      at = `step ${index}`;
      await client.step(session, [...calls], options);
    }
    if (fault.failed === 'expert') {
      at = fault.at;
      await client.expert(session, options);
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const failure = classifyEnvError(error, `replaying ${at}`);
    if (!(failure instanceof InfraFault)) throw failure;
    return at === fault.at
      ? {
          agentCaused: true,
          healthy: false,
          message: `${at} failed again when replayed on a fresh instance, so the agent's actions broke the env: ${failure.message}`,
        }
      : { agentCaused: false, healthy: false, message: `the replay on a fresh instance failed before ${fault.at}: ${failure.message}` };
  }
  const healthy = await client.closeSession(session, options).then(
    () => true,
    () => false,
  );
  return { agentCaused: false, healthy, message: `a fresh instance got through ${fault.at} when it was replayed: the env was at fault` };
}

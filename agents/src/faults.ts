import {
  ClientClosedError,
  DeadlineExceededError,
  FrameTooLargeError,
  ProtocolViolationError,
  RemoteError,
  ServerExitedError,
  WorkgymError,
  type ToolCall,
} from '@workgym/protocol';
import type { EpisodeRecord } from '@workgym/trajectories';

/** The env side failed (dead container, hung or broken server): worth a retry elsewhere. */
export class InfraFault extends WorkgymError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_INFRA_FAULT', message, options);
  }
}

/**
 * A person of the task could not be played (reset with people "client": the player failed, or
 * its reply left out what was asked or gave what was not): the person's fault, never the agent's.
 */
export class PeopleFault extends InfraFault {}

/**
 * The env failed after the agent had acted: carrying out one of its steps, or in the next env
 * call made for it (the expert's action). Whose fault that was is settled by replaying the
 * episode's steps on a fresh instance (see attributeActionFault).
 */
export class ActionFault extends InfraFault {
  constructor(
    fault: InfraFault,
    /** The call that failed: the last of `calls` (a step), or an expert call after them. */
    readonly failed: 'step' | 'expert',
    /** Each step's tool calls, in order, up to the failing call. */
    readonly calls: readonly ToolCall[][],
    /** The episode as it stands (a failing step last): what is kept if the agent broke the env. */
    readonly partial: EpisodeRecord,
  ) {
    super(fault.message, { cause: fault });
  }

  /** The failing call, in words: "step 3" or "the expert call at step 3". */
  get at(): string {
    return this.failed === 'step' ? `step ${this.calls.length - 1}` : `the expert call at step ${this.calls.length}`;
  }
}

/** The rollout asked for something the env cannot do (unknown family): retrying cannot help. */
export class RolloutConfigError extends WorkgymError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_ROLLOUT_CONFIG', message, options);
  }
}

const CONFIG_CODES = new Set(['unknown_family', 'bad_request', 'unsupported_version']);

/** Sorts an error from an env call into an infrastructure fault or a configuration error. */
export function classifyEnvError(error: unknown, during: string): Error {
  if (error instanceof RemoteError && CONFIG_CODES.has(error.remoteCode)) {
    return new RolloutConfigError(`${during}: ${error.message}`, { cause: error });
  }
  if (error instanceof RemoteError && error.remoteCode === 'people_error') return new PeopleFault(`${during}: ${error.message}`, { cause: error });
  if (
    error instanceof ServerExitedError ||
    error instanceof ProtocolViolationError ||
    error instanceof DeadlineExceededError ||
    error instanceof FrameTooLargeError ||
    error instanceof ClientClosedError ||
    error instanceof RemoteError
  ) {
    return new InfraFault(`${during}: ${error.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

import {
  ClientClosedError,
  DeadlineExceededError,
  FrameTooLargeError,
  ProtocolViolationError,
  RemoteError,
  ServerExitedError,
  WorkgymError,
} from '@workgym/protocol';

/** The env side failed (dead container, hung or broken server): worth a retry elsewhere. */
export class InfraFault extends WorkgymError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_INFRA_FAULT', message, options);
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

/** Base of every error workgym throws: a stable `code` to branch on and an optional `cause`. */
export class WorkgymError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The peer broke the protocol: an undecodable frame, an unexpected response. */
export class ProtocolViolationError extends WorkgymError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_PROTOCOL_VIOLATION', message, options);
  }
}

/** A frame announced more bytes than the receiver accepts. */
export class FrameTooLargeError extends WorkgymError {
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super('WORKGYM_FRAME_TOO_LARGE', `frame of ${length} bytes exceeds the limit of ${limit} bytes`);
  }
}

/** A call did not complete before its deadline. */
export class DeadlineExceededError extends WorkgymError {
  constructor(
    readonly call: string,
    readonly deadlineMs: number,
  ) {
    super('WORKGYM_DEADLINE_EXCEEDED', `${call} did not answer within ${deadlineMs} ms`);
  }
}

/** The env server is gone: its process exited, its container died, or its stream closed. */
export class ServerExitedError extends WorkgymError {
  constructor(
    message: string,
    readonly details: { exitCode?: number | null; signal?: string | null; stderrTail?: string } = {},
  ) {
    const tail = details.stderrTail?.trim();
    super('WORKGYM_SERVER_EXITED', tail ? `${message}\n--- last server log lines ---\n${tail}` : message);
  }
}

/** The client was closed by its owner while a call was in flight, or used after close. */
export class ClientClosedError extends WorkgymError {
  constructor() {
    super('WORKGYM_CLIENT_CLOSED', 'the env client is closed');
  }
}

/** The server answered a call with a ProtocolError message (unknown session, bad request...). */
export class RemoteError extends WorkgymError {
  constructor(
    readonly remoteCode: string,
    message: string,
  ) {
    super(`WORKGYM_REMOTE_${remoteCode.toUpperCase()}`, `${remoteCode}: ${message}`);
  }
}

/**
 * Thrown by an env's tool implementation when a call cannot be carried out. The server turns it
 * into an error observation of that kind; the episode goes on.
 */
export class ActionError extends WorkgymError {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super('WORKGYM_ACTION_ERROR', message);
  }
}

/** Raised inside a server to answer a call with a ProtocolError of this code. */
export class CallRefusedError extends WorkgymError {
  constructor(
    readonly remoteCode: string,
    message: string,
  ) {
    super('WORKGYM_CALL_REFUSED', message);
  }
}

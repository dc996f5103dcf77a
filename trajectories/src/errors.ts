import { WorkgymError } from '@workgym/protocol/errors';

/**
 * One class per failure kind, each with a stable `code` that callers and the CLI can match on.
 * Messages say what was wrong and what to do about it. They are workgym errors like every
 * other package's (the protocol holds the one base class); this one marks the store's.
 */
export abstract class TrajectoryError extends WorkgymError {}

/** The folder holds no run (no manifest.json). */
export class RunNotFoundError extends TrajectoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_RUN_NOT_FOUND', message, options);
  }
}

/** `createRun` was pointed at a folder that already holds a run. */
export class RunExistsError extends TrajectoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_RUN_EXISTS', message, options);
  }
}

/** Another live writer holds the run's lock. */
export class RunLockedError extends TrajectoryError {
  constructor(
    message: string,
    readonly holderPid: number,
  ) {
    super('WORKGYM_RUN_LOCKED', message);
  }
}

/** manifest.json, index.json or episodes.idx is not something this version can read. */
export class BadRunFileError extends TrajectoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_BAD_RUN_FILE', message, options);
  }
}

/** A stored record failed its checksum or could not be decoded. */
export class CorruptRecordError extends TrajectoryError {
  constructor(
    message: string,
    readonly shard: string,
    readonly offset: number,
  ) {
    super('WORKGYM_CORRUPT_RECORD', message);
  }
}

/** A record given to `append` is missing what the store needs. */
export class InvalidRecordError extends TrajectoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_INVALID_RECORD', message, options);
  }
}

/** An episode id that the run already holds was appended again. */
export class DuplicateEpisodeError extends TrajectoryError {
  constructor(readonly episodeId: string) {
    super(
      'WORKGYM_DUPLICATE_EPISODE',
      `episode ${JSON.stringify(episodeId)} is already in this run; ` + 'skip ids listed by writer.episodeIds() when resuming',
    );
  }
}

/** The writer was used after close(), finalize() or a failed write. */
export class WriterClosedError extends TrajectoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_WRITER_CLOSED', message, options);
  }
}

/** A blob named by a record is not in the run's blob store. */
export class BlobNotFoundError extends TrajectoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_BLOB_NOT_FOUND', message, options);
  }
}

/** Export options that cannot work together, or an unknown format. */
export class ExportOptionsError extends TrajectoryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_EXPORT_OPTIONS', message, options);
  }
}

/** An env, family or job filter that names no episode of the run (a typo, or the wrong run). */
export class NothingSelectedError extends TrajectoryError {
  constructor(message: string) {
    super('WORKGYM_NOTHING_SELECTED', message);
  }
}

/** A record's `agent.context_policy` is not one workgym knows, so what its model was shown cannot be rebuilt. */
export class UnknownContextPolicyError extends TrajectoryError {
  constructor(readonly policy: string) {
    super(
      'WORKGYM_UNKNOWN_CONTEXT_POLICY',
      `context policy ${JSON.stringify(policy)} is unknown (known: full, window:N, memory:N); the conversation its model was shown cannot be rebuilt`,
    );
  }
}

/**
 * Writing to the run's folder failed (a full disk, a read-only or failing filesystem). The run
 * keeps everything acknowledged before the failure; `errno` is the system's code (`ENOSPC`, ...).
 */
export class RunWriteError extends TrajectoryError {
  constructor(
    message: string,
    readonly errno: string,
    options?: { cause?: unknown },
  ) {
    super('WORKGYM_RUN_WRITE', message, options);
  }
}

/** Test-split episodes were about to become training data without `includeTest`. */
export class TestEpisodesError extends TrajectoryError {
  constructor(message: string) {
    super('WORKGYM_TEST_EPISODES', message);
  }
}

/**
 * One class per failure kind, each with a stable `code` that callers and the CLI can match on.
 * Messages say what was wrong and what to do about it.
 */
export abstract class TrajectoryError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The folder holds no run (no manifest.json). */
export class RunNotFoundError extends TrajectoryError {
  readonly code = 'WORKGYM_RUN_NOT_FOUND';
}

/** `createRun` was pointed at a folder that already holds a run. */
export class RunExistsError extends TrajectoryError {
  readonly code = 'WORKGYM_RUN_EXISTS';
}

/** Another live writer holds the run's lock. */
export class RunLockedError extends TrajectoryError {
  readonly code = 'WORKGYM_RUN_LOCKED';
  constructor(
    message: string,
    readonly holderPid: number,
  ) {
    super(message);
  }
}

/** manifest.json, index.json or episodes.idx is not something this version can read. */
export class BadRunFileError extends TrajectoryError {
  readonly code = 'WORKGYM_BAD_RUN_FILE';
}

/** A stored record failed its checksum or could not be decoded. */
export class CorruptRecordError extends TrajectoryError {
  readonly code = 'WORKGYM_CORRUPT_RECORD';
  constructor(
    message: string,
    readonly shard: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A record given to `append` is missing what the store needs. */
export class InvalidRecordError extends TrajectoryError {
  readonly code = 'WORKGYM_INVALID_RECORD';
}

/** An episode id that the run already holds was appended again. */
export class DuplicateEpisodeError extends TrajectoryError {
  readonly code = 'WORKGYM_DUPLICATE_EPISODE';
  constructor(readonly episodeId: string) {
    super(
      `episode ${JSON.stringify(episodeId)} is already in this run; ` +
        'skip ids listed by writer.episodeIds() when resuming',
    );
  }
}

/** The writer was used after close(), finalize() or a failed write. */
export class WriterClosedError extends TrajectoryError {
  readonly code = 'WORKGYM_WRITER_CLOSED';
}

/** A blob named by a record is not in the run's blob store. */
export class BlobNotFoundError extends TrajectoryError {
  readonly code = 'WORKGYM_BLOB_NOT_FOUND';
}

/** Export options that cannot work together, or an unknown format. */
export class ExportOptionsError extends TrajectoryError {
  readonly code = 'WORKGYM_EXPORT_OPTIONS';
}

/** A record's `agent.context_policy` is not one workgym knows, so what its model was shown cannot be rebuilt. */
export class UnknownContextPolicyError extends TrajectoryError {
  readonly code = 'WORKGYM_UNKNOWN_CONTEXT_POLICY';
  constructor(readonly policy: string) {
    super(`context policy ${JSON.stringify(policy)} is unknown (known: full, window:N, memory:N); the conversation its model was shown cannot be rebuilt`);
  }
}

/**
 * Writing to the run's folder failed (a full disk, a read-only or failing filesystem). The run
 * keeps everything acknowledged before the failure; `errno` is the system's code (`ENOSPC`, ...).
 */
export class RunWriteError extends TrajectoryError {
  readonly code = 'WORKGYM_RUN_WRITE';
  constructor(
    message: string,
    readonly errno: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

import { createHash } from 'node:crypto';
import { WorkgymError } from '@workgym/protocol';
import type { EpisodeRecord } from '@workgym/trajectories';
import type { ResultJob } from './schemas.js';

/**
 * The most bytes a result (its JSON: the record and its blobs in base64) may take on the queue.
 * Redis holds each result until the coordinator has written it, so one big result costs every
 * worker and the coordinator its size in memory and transfer; 16 MiB leaves room for an
 * episode of ~100 full-page screenshots. A worker whose result is larger fails the episode's job
 * (ResultTooLargeError) and writes nothing.
 */
export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024 * 1024;

export class ResultTooLargeError extends WorkgymError {
  constructor(bytes: number, limit: number, blobs: number) {
    super(
      'WORKGYM_RESULT_TOO_LARGE',
      `the episode's result is ${size(bytes)} (${blobs} blob(s) included), above the queue's limit of ${size(limit)}: nothing was written for it`,
    );
  }
}

/** Blobs an episode stores while it plays, kept (by sha256, as the run store names them) until its result is sent. */
export class BlobCollector {
  private readonly blobs = new Map<string, Uint8Array>();

  readonly put = async (bytes: Uint8Array): Promise<string> => {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(sha256, Uint8Array.from(bytes));
    return sha256;
  };

  /** The blobs the record names (an attempt that failed may have stored others). */
  namedBy(record: EpisodeRecord): Map<string, Uint8Array> {
    const named = new Set(record.steps?.flatMap((step) => step.observation?.images?.map((image) => image.sha256) ?? []));
    return new Map([...this.blobs].filter(([sha256]) => named.has(sha256)));
  }
}

/** The results job's data for a record and its size in bytes, refused (ResultTooLargeError) above `limit` bytes. */
export function encodeResult(workerId: string, record: EpisodeRecord, blobs: Map<string, Uint8Array>, limit: number): { data: ResultJob; bytes: number } {
  const data = {
    v: 1 as const,
    workerId,
    record: record as ResultJob['record'],
    blobs: Object.fromEntries([...blobs].map(([sha256, bytes]) => [sha256, Buffer.from(bytes).toString('base64')])),
  };
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > limit) throw new ResultTooLargeError(bytes, limit, blobs.size);
  return { data, bytes };
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

import type { EpisodeRecord } from '@workgym/trajectories';
import type { PolicyEndpoint } from './endpoint.js';

/** One iteration's training data, handed to the update step. */
export interface RlBatch {
  iteration: number;
  /** The batch file (JSON Lines, see BatchLine) an external trainer reads. */
  file: string;
  records: readonly EpisodeRecord[];
  advantages: ReadonlyMap<string, number>;
  /** The folder of this iteration, for anything the updater wants to keep (snapshots). */
  dir: string;
}

/**
 * The update step of the RL loop, and the owner of the policy's endpoint: `start` gives the
 * endpoint of the initial policy, `update` trains on a batch and gives the endpoint of the new one.
 */
export interface PolicyUpdater extends AsyncDisposable {
  readonly kind: string;
  start(signal?: AbortSignal): Promise<PolicyEndpoint>;
  update(batch: RlBatch, signal?: AbortSignal): Promise<PolicyEndpoint>;
  close(): Promise<void>;
}

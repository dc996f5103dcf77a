import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpisodeRecord } from '@workgym/trajectories';
import { LinearPolicy } from '../learner/linear-policy.js';
import { behaviourCloning } from '../learner/train.js';
import { writeBatchFile } from '../loop/batch-file.js';
import type { PolicyEndpoint } from '../loop/endpoint.js';
import { ExternalUpdater } from '../loop/external-updater.js';
import { PolicyServer } from '../serve/policy-server.js';

/** Trains a policy on a training set's expert episodes and gives its endpoint until `close`. */
export interface TransferTrainer {
  readonly kind: string;
  train(name: string, records: readonly EpisodeRecord[], dir: string, signal?: AbortSignal): Promise<{ endpoint: PolicyEndpoint; close(): Promise<void> }>;
}

/** The embedded learner, trained by behaviour cloning, served on a local port. */
export function embeddedTrainer(options: { epochs?: number } = {}): TransferTrainer {
  return {
    kind: 'embedded',
    async train(_name, records, dir) {
      const policy = new LinearPolicy();
      if (records.length > 0) behaviourCloning(policy, records, { epochs: options.epochs ?? 8 });
      await policy.save(dir);
      const server = await PolicyServer.start({ policy });
      return { endpoint: { baseURL: server.baseURL, model: server.model }, close: () => server.close() };
    },
  };
}

/** An external trainer command (see ExternalUpdater): it gets the expert episodes as a batch file (advantage 1). */
export function externalTrainer(command: string, initial: PolicyEndpoint): TransferTrainer {
  return {
    kind: 'external',
    async train(name, records, dir, signal) {
      const file = join(dir, 'batch.jsonl');
      await mkdir(dir, { recursive: true });
      await writeBatchFile(file, records, new Map(records.map((r) => [r.episodeId ?? '', 1])));
      const updater = new ExternalUpdater({ command, initial });
      const endpoint = await updater.update({ iteration: 0, file, records, advantages: new Map(), dir }, signal);
      return { endpoint, close: () => updater.close() };
    },
  };
}

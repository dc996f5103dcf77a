import { join } from 'node:path';
import { LinearPolicy } from '../learner/linear-policy.js';
import { policyGradient, type PolicyGradientOptions } from '../learner/train.js';
import { PolicyServer } from '../serve/policy-server.js';
import type { PolicyEndpoint } from './endpoint.js';
import type { PolicyUpdater, RlBatch } from './policy-updater.js';

export interface EmbeddedUpdaterOptions {
  policy?: LinearPolicy;
  learningRate?: number;
  /** Policy-gradient passes over each batch (default 1). */
  epochs?: number;
  /** The step rule: `adagrad` (default) or `normalized` (see UpdateOptions.step). */
  step?: PolicyGradientOptions['step'];
  /** Name recorded in the policy's history (the advantage estimator). */
  method?: string;
  /** Save a snapshot of the policy in every iteration's folder (default true). */
  snapshots?: boolean;
}

/**
 * The embedded learner as the RL update step: serves its policy on a local port and, per batch,
 * takes a policy-gradient step weighted by the advantages. The endpoint stays the same; the
 * weights behind it change.
 */
export class EmbeddedUpdater implements PolicyUpdater {
  readonly kind = 'embedded';
  readonly policy: LinearPolicy;
  private server: PolicyServer | undefined;

  constructor(private readonly options: EmbeddedUpdaterOptions = {}) {
    this.policy = options.policy ?? new LinearPolicy();
  }

  async start(): Promise<PolicyEndpoint> {
    this.server ??= await PolicyServer.start({ policy: this.policy });
    return { baseURL: this.server.baseURL, model: this.server.model };
  }

  async update(batch: RlBatch): Promise<PolicyEndpoint> {
    policyGradient(this.policy, batch.records, batch.advantages, {
      learningRate: this.options.learningRate,
      epochs: this.options.epochs,
      step: this.options.step,
      method: this.options.method,
      seed: batch.iteration,
    });
    if (this.options.snapshots !== false) await this.policy.save(join(batch.dir, 'policy'));
    return this.start();
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

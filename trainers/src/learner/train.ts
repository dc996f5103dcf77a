import type { EpisodeRecord } from '@workgym/trajectories';
import { TrainerInputError } from '../errors.js';
import { matchCandidate } from './candidate-match.js';
import type { Decision, LinearPolicy, UpdateOptions } from './linear-policy.js';
import { seededRandom } from './rng.js';
import { statesFromRecord } from './policy-state.js';

export interface DecisionSet {
  decisions: Decision[];
  /** Steps left out: no candidates at that state, the call matched no candidate's tool, or it was injected as noise (never a target). */
  skipped: { noCandidates: number; unmatched: number; injected: number };
}

/** Every step of the records as a decision over its candidates, weighted by `weightOf(record)`. */
export function toDecisions(policy: LinearPolicy, records: readonly EpisodeRecord[], weightOf: (record: EpisodeRecord) => number): DecisionSet {
  const decisions: Decision[] = [];
  const skipped = { noCandidates: 0, unmatched: 0, injected: 0 };
  for (const record of records) {
    const weight = weightOf(record);
    for (const { state, calls, injected } of statesFromRecord(record)) {
      if (injected) {
        skipped.injected += 1;
        continue;
      }
      if (state.candidates.length === 0) {
        skipped.noCandidates += 1;
        continue;
      }
      const chosen = calls[0] ? matchCandidate(calls[0], state.candidates) : -1;
      if (chosen < 0) {
        skipped.unmatched += 1;
        continue;
      }
      decisions.push({ features: policy.features(state), chosen, weight });
    }
  }
  return { decisions, skipped };
}

/**
 * The records sorted by task, then episode id. A run's records come in the order its episodes
 * finished, which with parallel episodes depends on the machine's load; the seeded shuffle and
 * the order-sensitive updates must start from the same order, or the same episodes train a
 * different policy on a busy machine.
 */
function inTaskOrder(records: readonly EpisodeRecord[]): EpisodeRecord[] {
  const key = (r: EpisodeRecord) =>
    [r.env ?? '', r.family ?? '', r.split ?? '', String(r.seed ?? 0).padStart(20, '0'), r.groupId ?? '', r.episodeId ?? ''].join('\0');
  return records
    .map((record) => ({ record, key: key(record) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ record }) => record);
}

export interface TrainReport {
  method: string;
  episodes: number;
  examples: number;
  skipped: DecisionSet['skipped'];
  /** Mean negative log-likelihood per epoch (behaviour cloning) or per pass (policy gradient). */
  losses: number[];
}

export interface BehaviourCloningOptions {
  epochs?: number;
  learningRate?: number;
  /** Shuffling seed (default 0). */
  seed?: number;
  /** Learn only from episodes that succeeded (default true): a failed demonstration teaches the failure. */
  onlySuccessful?: boolean;
  onEpoch?: (epoch: number, loss: number) => void;
  signal?: AbortSignal;
}

/** Behaviour cloning: maximise log p(demonstrated candidate | state) over the records' steps. */
export function behaviourCloning(policy: LinearPolicy, records: readonly EpisodeRecord[], options: BehaviourCloningOptions = {}): TrainReport {
  const used = inTaskOrder(options.onlySuccessful === false ? records : records.filter((r) => r.success));
  const { decisions, skipped } = toDecisions(policy, used, () => 1);
  if (decisions.length === 0) {
    throw new TrainerInputError(
      `no decision to learn from: ${records.length} episodes, ${used.length} successful, ${skipped.noCandidates} steps without candidate actions, ` +
        `${skipped.unmatched} calls matching no candidate. Record expert episodes of families whose observations carry candidates (workgym rollout --agent expert).`,
    );
  }
  const random = seededRandom(options.seed ?? 0);
  const losses: number[] = [];
  for (let epoch = 0; epoch < (options.epochs ?? 8); epoch++) {
    options.signal?.throwIfAborted();
    shuffle(decisions, random);
    const loss = policy.update(decisions, { learningRate: options.learningRate });
    losses.push(loss);
    options.onEpoch?.(epoch, loss);
  }
  policy.meta = {
    ...policy.meta,
    method: policy.meta.method === 'untrained' ? 'bc' : `${policy.meta.method}+bc`,
    trainedOn: [...new Set([...policy.meta.trainedOn, ...used.map((r) => r.family ?? '')])].sort(),
    examples: policy.meta.examples + decisions.length,
    history: [
      ...policy.meta.history,
      { step: 'bc', detail: `${used.length} episodes, ${decisions.length} decisions, ${losses.length} epochs, final loss ${losses.at(-1)!.toFixed(4)}` },
    ],
  };
  return { method: 'bc', episodes: used.length, examples: decisions.length, skipped, losses };
}

export interface PolicyGradientOptions {
  /**
   * Default 0.02. A loaded policy starts with fresh Adagrad accumulators, so its first step
   * moves every active feature by about the learning rate: at 0.2, one GRPO batch on
   * admin-edit-record took a BC policy's train reward from 0.79 to 0 (docs/trainers.md).
   */
  learningRate?: number;
  /** Passes over the batch (default 1: on-policy). */
  epochs?: number;
  method?: string;
  seed?: number;
  /** The step rule (LinearPolicy.update): `adagrad` (default) or `normalized` (bounded score change per decision). */
  step?: UpdateOptions['step'];
}

/**
 * One policy-gradient update: every step of an episode is weighted by the episode's advantage
 * (REINFORCE with the group baseline that GRPO, Dr.GRPO or RLOO computed).
 */
export function policyGradient(
  policy: LinearPolicy,
  records: readonly EpisodeRecord[],
  advantages: ReadonlyMap<string, number>,
  options: PolicyGradientOptions = {},
): TrainReport {
  const { decisions, skipped } = toDecisions(policy, records, (r) => advantages.get(r.episodeId ?? '') ?? 0);
  const random = seededRandom(options.seed ?? 0);
  const losses: number[] = [];
  for (let epoch = 0; epoch < (options.epochs ?? 1); epoch++) {
    shuffle(decisions, random);
    losses.push(policy.update(decisions, { learningRate: options.learningRate ?? 0.02, step: options.step }));
  }
  const method = options.method ?? 'pg';
  const useful = decisions.filter((d) => d.weight !== 0).length;
  policy.meta = {
    ...policy.meta,
    method:
      policy.meta.method === 'untrained'
        ? method
        : policy.meta.method.endsWith(`+${method}`) || policy.meta.method === method
          ? policy.meta.method
          : `${policy.meta.method}+${method}`,
    trainedOn: [...new Set([...policy.meta.trainedOn, ...records.map((r) => r.family ?? '')])].sort(),
    examples: policy.meta.examples + useful,
    history: [...policy.meta.history, { step: method, detail: `${records.length} episodes, ${useful} decisions with a non-zero advantage` }],
  };
  return { method, episodes: records.length, examples: useful, skipped, losses };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

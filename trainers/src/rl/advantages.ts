import type { EpisodeRecord } from '@workgym/trajectories';
import { TrainerInputError } from '../errors.js';

export type AdvantageEstimator = 'grpo' | 'drgrpo' | 'rloo';
export const ADVANTAGE_ESTIMATORS: readonly AdvantageEstimator[] = ['grpo', 'drgrpo', 'rloo'];

/** Rescaling after the per-group estimate, so that envs (or families) with different reward scales weigh alike. */
export type AdvantageScope = 'none' | 'env' | 'family';

/** One rollout's identity and reward; `groupId` names the task its group ran. */
export interface ScoredEpisode {
  episodeId: string;
  groupId: string;
  env: string;
  family: string;
  reward: number;
}

/** Stored episodes as the advantage estimators read them (a missing field at its default). */
export function scoredEpisodes(records: readonly EpisodeRecord[]): ScoredEpisode[] {
  return records.map((r) => ({ episodeId: r.episodeId ?? '', groupId: r.groupId ?? '', env: r.env ?? '', family: r.family ?? '', reward: r.finalReward ?? 0 }));
}

export interface AdvantageOptions {
  estimator: AdvantageEstimator;
  /** Divide by the std of the advantages within each env or family (default none). */
  normalize?: AdvantageScope;
  /** Added to the std in GRPO and scope normalisation (default 1e-4, as TRL). */
  epsilon?: number;
}

export interface GroupDiagnostic {
  groupId: string;
  env: string;
  family: string;
  size: number;
  meanReward: number;
  /** All rewards equal: every advantage is 0 and the group teaches nothing. */
  zeroVariance: boolean;
  /** One rollout only: no baseline from the group is possible (advantage 0). */
  singleton: boolean;
}

export interface AdvantageDiagnostics {
  groups: number;
  zeroVarianceGroups: number;
  /** Zero-variance groups where every rollout succeeded (reward 1) or failed (reward 0). */
  allSolved: number;
  allFailed: number;
  singletons: number;
  /** Per env: groups and zero-variance groups (the share of the batch that gives no signal). */
  byEnv: Record<string, { groups: number; zeroVariance: number }>;
  byFamily: Record<string, { groups: number; zeroVariance: number }>;
}

export interface AdvantageResult {
  /** Advantage per episode id. */
  advantages: Map<string, number>;
  groups: GroupDiagnostic[];
  diagnostics: AdvantageDiagnostics;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (n - 1), as torch.std and TRL's GRPO use. */
const std = (xs: readonly number[]) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

/**
 * Group-relative advantages. For a group of G rollouts of one task with rewards r:
 * - GRPO:    A_i = (r_i - mean(r)) / (std(r) + eps)
 * - Dr.GRPO: A_i = r_i - mean(r)                       (no std: no bias toward easy/hard groups)
 * - RLOO:    A_i = r_i - mean_{j != i} r_j = G/(G-1) (r_i - mean(r))
 * Then, with `normalize`, every advantage in an env (or family) is divided by the std of that
 * scope's advantages + eps, so a multi-env batch is not dominated by the env with the widest rewards.
 */
export function computeAdvantages(episodes: readonly ScoredEpisode[], options: AdvantageOptions): AdvantageResult {
  if (!ADVANTAGE_ESTIMATORS.includes(options.estimator)) {
    throw new TrainerInputError(`unknown advantage estimator ${JSON.stringify(options.estimator)}; use one of ${ADVANTAGE_ESTIMATORS.join(', ')}`);
  }
  const eps = options.epsilon ?? 1e-4;
  const byGroup = new Map<string, ScoredEpisode[]>();
  for (const episode of episodes) {
    if (!Number.isFinite(episode.reward)) throw new TrainerInputError(`episode ${episode.episodeId} has a non-finite reward (${episode.reward})`);
    const list = byGroup.get(episode.groupId) ?? [];
    list.push(episode);
    byGroup.set(episode.groupId, list);
  }
  const advantages = new Map<string, number>();
  const groups: GroupDiagnostic[] = [];
  for (const [groupId, members] of byGroup) {
    const rewards = members.map((m) => m.reward);
    const m = mean(rewards);
    const G = members.length;
    const zeroVariance = rewards.every((r) => r === rewards[0]);
    members.forEach((member, i) => {
      const r = rewards[i]!;
      let a = 0;
      if (G > 1 && !zeroVariance) {
        if (options.estimator === 'grpo') a = (r - m) / (std(rewards) + eps);
        else if (options.estimator === 'drgrpo') a = r - m;
        else a = r - (m * G - r) / (G - 1);
      }
      advantages.set(member.episodeId, a);
    });
    groups.push({ groupId, env: members[0]!.env, family: members[0]!.family, size: G, meanReward: m, zeroVariance: zeroVariance && G > 1, singleton: G === 1 });
  }
  const scope = options.normalize ?? 'none';
  if (scope !== 'none') {
    const key = (e: ScoredEpisode) => (scope === 'env' ? e.env : e.family);
    const byScope = new Map<string, ScoredEpisode[]>();
    for (const e of episodes) byScope.set(key(e), [...(byScope.get(key(e)) ?? []), e]);
    for (const members of byScope.values()) {
      const values = members.map((e) => advantages.get(e.episodeId)!);
      const s = std(values);
      if (s === 0) continue; // nothing to rescale: all zero (or one value)
      for (const e of members) advantages.set(e.episodeId, advantages.get(e.episodeId)! / (s + eps));
    }
  }
  return { advantages, groups, diagnostics: diagnose(groups) };
}

function diagnose(groups: readonly GroupDiagnostic[]): AdvantageDiagnostics {
  const tally = (key: (g: GroupDiagnostic) => string) => {
    const out: Record<string, { groups: number; zeroVariance: number }> = {};
    for (const g of groups) {
      const t = (out[key(g)] ??= { groups: 0, zeroVariance: 0 });
      t.groups += 1;
      if (g.zeroVariance) t.zeroVariance += 1;
    }
    return out;
  };
  const zero = groups.filter((g) => g.zeroVariance);
  return {
    groups: groups.length,
    zeroVarianceGroups: zero.length,
    allSolved: zero.filter((g) => g.meanReward === 1).length,
    allFailed: zero.filter((g) => g.meanReward === 0).length,
    singletons: groups.filter((g) => g.singleton).length,
    byEnv: tally((g) => g.env),
    byFamily: tally((g) => g.family),
  };
}

/** One line per problem a batch has: zero-variance groups, singleton groups. Empty when none. */
export function formatAdvantageDiagnostics(d: AdvantageDiagnostics): string[] {
  const lines: string[] = [];
  if (d.zeroVarianceGroups > 0) {
    const envs = Object.entries(d.byEnv)
      .filter(([, t]) => t.zeroVariance > 0)
      .map(([env, t]) => `${env} ${t.zeroVariance}/${t.groups}`)
      .join(', ');
    lines.push(
      `${d.zeroVarianceGroups} of ${d.groups} groups have zero reward variance (${d.allSolved} all solved, ${d.allFailed} all failed; ${envs}): ` +
        'they give no gradient. Raise --group, sample hotter, or move to harder/easier tasks.',
    );
  }
  if (d.singletons > 0) lines.push(`${d.singletons} groups have a single rollout: their advantage is 0. Use --group 2 or more.`);
  return lines;
}

import { describe, expect, it } from 'vitest';
import { computeAdvantages, formatAdvantageDiagnostics, type ScoredEpisode } from '../src/index.js';

const group = (groupId: string, rewards: number[], env = 'code', family = `${env}/f`): ScoredEpisode[] =>
  rewards.map((reward, i) => ({ episodeId: `${groupId}:${i}`, groupId, env, family, reward }));

const values = (m: Map<string, number>, ids: string[]) => ids.map((id) => m.get(id)!);

describe('group advantages', () => {
  // Rewards 1, 0, 0, 1 -> mean 0.5, sample std sqrt(1/3) = 0.57735.
  const batch = group('t', [1, 0, 0, 1]);
  const ids = batch.map((e) => e.episodeId);

  it('GRPO: (r - mean) / (sample std + eps)', () => {
    const { advantages } = computeAdvantages(batch, { estimator: 'grpo', epsilon: 0 });
    const a = 0.5 / Math.sqrt(1 / 3); // 0.866025
    values(advantages, ids).forEach((v, i) => expect(v).toBeCloseTo([a, -a, -a, a][i]!, 6));
  });

  it('Dr.GRPO: r - mean, no std', () => {
    const { advantages } = computeAdvantages(group('t', [1, 0, 0.5]), { estimator: 'drgrpo' });
    expect(values(advantages, ['t:0', 't:1', 't:2'])).toEqual([0.5, -0.5, 0]);
  });

  it('RLOO: r minus the mean of the other rollouts', () => {
    const { advantages } = computeAdvantages(group('t', [1, 0, 0.5]), { estimator: 'rloo' });
    // 1 - (0+0.5)/2 = 0.75; 0 - (1+0.5)/2 = -0.75; 0.5 - (1+0)/2 = 0
    expect(values(advantages, ['t:0', 't:1', 't:2'])).toEqual([0.75, -0.75, 0]);
  });

  it('gives zero advantages to zero-variance and singleton groups and reports them', () => {
    const result = computeAdvantages(
      [...group('solved', [1, 1], 'code'), ...group('failed', [0, 0, 0], 'browser'), ...group('one', [1]), ...group('ok', [1, 0])],
      {
        estimator: 'grpo',
      },
    );
    expect(values(result.advantages, ['solved:0', 'failed:2', 'one:0'])).toEqual([0, 0, 0]);
    expect(result.diagnostics).toMatchObject({ groups: 4, zeroVarianceGroups: 2, allSolved: 1, allFailed: 1, singletons: 1 });
    expect(result.diagnostics.byEnv).toEqual({ code: { groups: 3, zeroVariance: 1 }, browser: { groups: 1, zeroVariance: 1 } });
    const lines = formatAdvantageDiagnostics(result.diagnostics);
    expect(lines[0]).toMatch(/2 of 4 groups have zero reward variance \(1 all solved, 1 all failed; code 1\/3, browser 1\/1\)/);
    expect(lines[1]).toMatch(/1 groups have a single rollout/);
  });

  it('per-env normalisation puts envs with different reward scales on the same scale', () => {
    // Env a rewards differ by 1, env b by 0.1: after Dr.GRPO their advantages differ tenfold.
    const batch2 = [...group('a1', [1, 0], 'a'), ...group('a2', [0, 1], 'a'), ...group('b1', [0.1, 0], 'b'), ...group('b2', [0, 0.1], 'b')];
    const raw = computeAdvantages(batch2, { estimator: 'drgrpo' });
    expect(raw.advantages.get('a1:0')! / raw.advantages.get('b1:0')!).toBeCloseTo(10, 6);
    const scaled = computeAdvantages(batch2, { estimator: 'drgrpo', normalize: 'env', epsilon: 0 });
    // a: advantages ±0.5, sample std of [0.5,-0.5,-0.5,0.5] = 0.57735 -> ±0.866; b the same.
    expect(scaled.advantages.get('a1:0')).toBeCloseTo(0.866025, 5);
    expect(scaled.advantages.get('b1:0')).toBeCloseTo(0.866025, 5);
    expect(scaled.advantages.get('b2:0')).toBeCloseTo(-0.866025, 5);
  });

  it('refuses an unknown estimator and non-finite rewards, saying what to use', () => {
    expect(() => computeAdvantages(batch, { estimator: 'ppo' as never })).toThrow(/use one of grpo, drgrpo, rloo/);
    expect(() => computeAdvantages(group('t', [Number.NaN, 1]), { estimator: 'grpo' })).toThrow(/non-finite reward/);
  });
});

import { describe, expect, it } from 'vitest';
import { SEED_LIMIT, splitSeed } from '../src/index.js';

describe('splitSeed', () => {
  it('gives train and test disjoint generator seeds and has no third lane', () => {
    const train = new Set([0, 1, 2, 3, 4].map((seed) => splitSeed('train', seed)));
    for (const seed of [0, 1, 2, 3, 4]) expect(train.has(splitSeed('test', seed))).toBe(false);
    expect(() => splitSeed('validation', 1)).toThrow('no split "validation": train or test');
  });

  it('keeps the splits apart up to the last seed: no generator seed wraps past 32 bits', () => {
    expect(splitSeed('test', SEED_LIMIT - 1)).toBeLessThan(2 ** 32);
    expect(splitSeed('test', SEED_LIMIT - 1) % 3).toBe(1);
    expect(splitSeed('train', SEED_LIMIT - 1) % 3).toBe(0);
    expect(() => splitSeed('train', SEED_LIMIT)).toThrow(`seed ${SEED_LIMIT} is not in 0..${SEED_LIMIT - 1}`);
  });
});

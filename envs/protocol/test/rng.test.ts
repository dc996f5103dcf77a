import { describe, expect, it } from 'vitest';
import { splitSeed } from '../src/index.js';

describe('splitSeed', () => {
  it('gives train and test disjoint generator seeds and has no third lane', () => {
    const train = new Set([0, 1, 2, 3, 4].map((seed) => splitSeed('train', seed)));
    for (const seed of [0, 1, 2, 3, 4]) expect(train.has(splitSeed('test', seed))).toBe(false);
    expect(() => splitSeed('validation', 1)).toThrow('no split "validation": train or test');
  });
});

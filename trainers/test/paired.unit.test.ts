import { describe, expect, it } from 'vitest';
import { mcnemarExact, pairedComparison, wilson, type SuccessPair } from '../src/index.js';

const pairs = (counts: { both?: number; onlyA?: number; onlyB?: number; neither?: number }): SuccessPair[] => [
  ...Array.from({ length: counts.both ?? 0 }, (): SuccessPair => [true, true]),
  ...Array.from({ length: counts.onlyA ?? 0 }, (): SuccessPair => [true, false]),
  ...Array.from({ length: counts.onlyB ?? 0 }, (): SuccessPair => [false, true]),
  ...Array.from({ length: counts.neither ?? 0 }, (): SuccessPair => [false, false]),
];

describe('exact McNemar test', () => {
  it('is twice the smaller binomial(discordant, 1/2) tail, as computed by hand', () => {
    expect(mcnemarExact(0, 6)).toBeCloseTo(2 / 64, 12);
    expect(mcnemarExact(9, 1)).toBeCloseTo((2 * (1 + 10)) / 1024, 12);
    expect(mcnemarExact(2, 10)).toBeCloseTo((2 * (1 + 12 + 66)) / 4096, 12);
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    // Large counts stay finite: 0 of 2000 one way is far below any threshold, but a number.
    expect(mcnemarExact(0, 2000)).toBeGreaterThanOrEqual(0);
    expect(mcnemarExact(1000, 1000)).toBe(1);
  });
});

describe('paired comparison', () => {
  it('counts the pairs, gives each arm its Wilson interval and the difference B - A', () => {
    const c = pairedComparison(pairs({ both: 30, onlyA: 5, onlyB: 20, neither: 45 }));
    expect(c).toMatchObject({ pairs: 100, both: 30, onlyA: 5, onlyB: 20, neither: 45 });
    expect(c.a).toEqual(wilson(35, 100));
    expect(c.b).toEqual(wilson(50, 100));
    expect(c.difference).toBeCloseTo(0.15, 12);
    expect(c.mcnemarP).toBeCloseTo(mcnemarExact(5, 20), 12);
  });

  it('resamples tasks for the interval: near the paired normal interval for a large sample, and reproducible', () => {
    // Wald for paired proportions: 0.15 ± 1.96 · sqrt(25 − 15²/100) / 100 = [0.0565, 0.2435].
    const c = pairedComparison(pairs({ both: 30, onlyA: 5, onlyB: 20, neither: 45 }));
    expect(c.low).toBeGreaterThan(0.0565 - 0.02);
    expect(c.low).toBeLessThan(0.0565 + 0.02);
    expect(c.high).toBeGreaterThan(0.2435 - 0.02);
    expect(c.high).toBeLessThan(0.2435 + 0.02);
    expect(pairedComparison(pairs({ both: 30, onlyA: 5, onlyB: 20, neither: 45 }))).toEqual(c);
  });

  it('has no width when every pair agrees, and is [1, 1] when only B ever succeeds', () => {
    expect(pairedComparison(pairs({ both: 7, neither: 3 }))).toMatchObject({ difference: 0, low: 0, high: 0, mcnemarP: 1 });
    expect(pairedComparison(pairs({ onlyB: 12 }))).toMatchObject({ difference: 1, low: 1, high: 1 });
    expect(pairedComparison([])).toMatchObject({ pairs: 0, difference: 0, low: -1, high: 1, mcnemarP: 1 });
  });
});

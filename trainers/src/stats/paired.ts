import { seededRandom } from '../learner/rng.js';
import { wilson, type Proportion } from '@workgym/trajectories';

/** Two arms' successes on the same tasks, one pair per task: `[a succeeded, b succeeded]`. */
export type SuccessPair = readonly [boolean, boolean];

/** B against A on paired tasks. */
export interface PairedComparison {
  pairs: number;
  /** Each arm's success over the pairs, with its 95% Wilson interval. */
  a: Proportion;
  b: Proportion;
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
  /** Success of B minus success of A. */
  difference: number;
  /** 95% paired bootstrap percentile interval of the difference (tasks resampled with their pair). */
  low: number;
  high: number;
  /** Exact two-sided McNemar test (a sign test on the discordant pairs). */
  mcnemarP: number;
}

/** Exact two-sided McNemar p-value: twice the smaller binomial(onlyA + onlyB, 1/2) tail, at most 1. */
export function mcnemarExact(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  const k = Math.min(onlyA, onlyB);
  // P(X <= k) for X ~ Bin(n, 1/2), summing C(n, i) / 2^n in logs so large n does not overflow.
  let logC = 0;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/**
 * Compares B with A on the same tasks. Pairing is what makes this sharp: tasks both arms solve,
 * or both fail, say nothing about the difference; only the discordant ones count.
 */
export function pairedComparison(pairs: readonly SuccessPair[], options: { resamples?: number; seed?: number } = {}): PairedComparison {
  const n = pairs.length;
  const count = (a: boolean, b: boolean) => pairs.filter(([x, y]) => x === a && y === b).length;
  const [both, onlyA, onlyB, neither] = [count(true, true), count(true, false), count(false, true), count(false, false)];
  const difference = n === 0 ? 0 : (onlyB - onlyA) / n;
  const [low, high] = n === 0 ? [-1, 1] : bootstrapInterval(n, onlyA, onlyB, options.resamples ?? 10_000, options.seed ?? 0);
  return {
    pairs: n,
    a: wilson(both + onlyA, n),
    b: wilson(both + onlyB, n),
    both,
    onlyA,
    onlyB,
    neither,
    difference,
    low,
    high,
    mcnemarP: mcnemarExact(onlyA, onlyB),
  };
}

/** 2.5th and 97.5th percentiles of the difference over resamples of the n pairs. */
function bootstrapInterval(n: number, onlyA: number, onlyB: number, resamples: number, seed: number): [number, number] {
  const random = seededRandom(seed);
  const pA = onlyA / n;
  const pB = (onlyA + onlyB) / n;
  const differences = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let d = 0;
    for (let i = 0; i < n; i++) {
      const u = random();
      if (u < pA) d -= 1;
      else if (u < pB) d += 1;
    }
    differences[r] = d / n;
  }
  differences.sort();
  const at = (q: number) => differences[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return [at(0.025), at(0.975)];
}

import { wilson } from '@workgym/trajectories/wilson';
import type { Distribution, Rate, RateRow } from './api.js';

export function rate(successes: number, n: number): Rate {
  const w = wilson(successes, n);
  return { n, successes, rate: w.rate, low: w.low, high: w.high };
}

/** Success rate per key, in key order. */
export function rateRows<T>(items: readonly T[], keyOf: (item: T) => string, success: (item: T) => boolean): RateRow[] {
  const counts = new Map<string, { n: number; s: number }>();
  for (const item of items) {
    const key = keyOf(item);
    const c = counts.get(key) ?? { n: 0, s: 0 };
    c.n++;
    c.s += Number(success(item));
    counts.set(key, c);
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, c]) => ({ key, ...rate(c.s, c.n) }));
}

const BINS = 20;

export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, bins: [] };
  const sorted = Float64Array.from(values).sort();
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const width = (max - min) / BINS || 1;
  const bins = Array.from({ length: max === min ? 1 : BINS }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, count: 0 }));
  for (const v of sorted) bins[Math.min(bins.length - 1, Math.floor((v - min) / width))]!.count++;
  return { count: sorted.length, min, max, mean, p50: quantile(0.5), p90: quantile(0.9), bins };
}

/**
 * Newcombe's hybrid score interval (95%) for the difference of two independent proportions,
 * `b − a`, from their Wilson intervals (Newcombe 1998, method 10).
 */
export function newcombe(a: Rate, b: Rate): { value: number; low: number; high: number } {
  const value = b.rate - a.rate;
  return {
    value,
    low: value - Math.sqrt((b.rate - b.low) ** 2 + (a.high - a.rate) ** 2),
    high: value + Math.sqrt((b.high - b.rate) ** 2 + (a.rate - a.low) ** 2),
  };
}

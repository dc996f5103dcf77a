/** A proportion with its 95% Wilson score interval (better than the normal interval near 0 and 1 and for small n). */
export interface Proportion {
  successes: number;
  n: number;
  rate: number;
  low: number;
  high: number;
}

const Z95 = 1.959963984540054;

export function wilson(successes: number, n: number, z = Z95): Proportion {
  if (n === 0) return { successes, n, rate: 0, low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { successes, n, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Unbiased pass@k for one group of n samples with c successes (Chen et al. 2021):
 * 1 - C(n-c, k) / C(n, k), computed as a product so large n does not overflow.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k < 1 || k > n) throw new RangeError(`pass@${k} needs 1 <= k <= n (n = ${n})`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/** Mean pass@k over groups that have at least k samples; undefined when none has. */
export function meanPassAtK(groups: readonly { n: number; c: number }[], k: number): { value: number; groups: number } | undefined {
  const usable = groups.filter((g) => g.n >= k);
  if (usable.length === 0) return undefined;
  return { value: usable.reduce((sum, g) => sum + passAtK(g.n, g.c, k), 0) / usable.length, groups: usable.length };
}

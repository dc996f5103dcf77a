/**
 * Unbiased pass@k for one task tried n times with c successes (Chen et al. 2021): the chance that
 * at least one of k tries drawn without replacement succeeds, 1 - C(n-c, k) / C(n, k), computed as
 * a product so large n does not overflow.
 */
export function passAtK(n: number, c: number, k: number): number {
  checkK(n, k, 'pass@');
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/**
 * pass^k for one task (τ²-bench): the chance that all k tries drawn without replacement succeed,
 * C(c, k) / C(n, k), as a product of k ratios (c - i) / (n - i).
 */
export function passHatK(n: number, c: number, k: number): number {
  checkK(n, k, 'pass^');
  let all = 1;
  for (let i = 0; i < k; i++) all *= Math.max(0, c - i) / (n - i);
  return all;
}

function checkK(n: number, k: number, name: string): void {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`${name}${k} needs 1 <= k <= n (n = ${n})`);
}

/** An estimator's mean over the tasks it could be computed for, and how many those were. */
export interface TaskMean {
  value: number;
  tasks: number;
}

/** Mean pass@k over tasks tried at least k times; undefined when none was. */
export function meanPassAtK(tasks: readonly { n: number; c: number }[], k: number): TaskMean | undefined {
  return meanOver(tasks, k, passAtK);
}

/** Mean pass^k over tasks tried at least k times; undefined when none was. */
export function meanPassHatK(tasks: readonly { n: number; c: number }[], k: number): TaskMean | undefined {
  return meanOver(tasks, k, passHatK);
}

function meanOver(tasks: readonly { n: number; c: number }[], k: number, estimate: (n: number, c: number, k: number) => number): TaskMean | undefined {
  const usable = tasks.filter((t) => t.n >= k);
  if (usable.length === 0) return undefined;
  return { value: usable.reduce((sum, t) => sum + estimate(t.n, t.c, k), 0) / usable.length, tasks: usable.length };
}

// Task generators draw from the Rng every env shares; what is this env's own is below.
export { Rng } from '@workgym/protocol';

/** Train and test draw from disjoint generator seeds, so no test instance is a train instance. */
export function instanceSeed(split: string, seed: number): number {
  const lane = split === 'test' ? 1 : split === 'train' ? 0 : 2;
  return (seed * 3 + lane) >>> 0;
}

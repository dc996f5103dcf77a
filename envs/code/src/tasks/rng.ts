// Task generators draw from the Rng every env shares; what is this env's own is below.
export { Rng } from '@workgym/protocol';

/**
 * The generator seed of (split, seed): train and test map to disjoint seed sets, so no test
 * instance is ever a train instance.
 */
export function instanceSeed(split: string, seed: number): number {
  const lane = split === 'test' ? 1 : split === 'train' ? 0 : 2;
  return (seed * 3 + lane) >>> 0;
}

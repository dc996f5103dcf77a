import { createHash } from 'node:crypto';
import { Rng } from '@workgym/protocol';

/** The shared seeded generator as a function: the same seed gives the same draws. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** A 32-bit seed from any text (request bodies, episode ids). */
export function seedOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

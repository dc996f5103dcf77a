/**
 * A small seeded generator (mulberry32) for task generators: every task instance is a pure
 * function of its seed, in every env.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One of `items` (which must not be empty). */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A shuffled copy of `items` (Fisher-Yates); `items` is left as it was. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** `count` distinct items. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }

  /** A string of `length` characters drawn from `alphabet` (codes, ids, phone numbers). */
  chars(length: number, alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** A child generator, so adding draws in one part of a generator does not shift another. */
  fork(salt: number): Rng {
    return new Rng(Math.imul(this.int(0, 0x7fffffff) ^ salt, 2654435761));
  }
}

/**
 * Task seeds run below this on every split (the server refuses others): generator seeds are 32
 * bits, and past it the splits' generator seeds would wrap around into each other's.
 */
export const SEED_LIMIT = 2 ** 30;

/**
 * The generator seed of a task instance: train and test seeds map to disjoint generator seeds,
 * so no test instance is ever a train instance. There is no other split (the server refuses one).
 */
export function splitSeed(split: string, seed: number): number {
  if (split !== 'train' && split !== 'test') throw new RangeError(`no split ${JSON.stringify(split)}: train or test`);
  if (!Number.isInteger(seed) || seed < 0 || seed >= SEED_LIMIT) throw new RangeError(`seed ${seed} is not in 0..${SEED_LIMIT - 1}`);
  return seed * 3 + (split === 'test' ? 1 : 0);
}

import type { Rng } from '../rng.js';

/** How many draws a generator's guarantee may take before the family is called broken. */
const MAX_DRAWS = 500;

/**
 * A generator's guarantee (each condition of the task matters, no constant choice is right):
 * draws with `draw` until `holds`, from the same rng, so a seed still gives one task. A family
 * whose guarantee almost never holds fails loudly instead of looping.
 */
export function drawUntil<T>(rng: Rng, draw: (rng: Rng) => T, holds: (drawn: T) => boolean): T {
  for (let tries = 0; tries < MAX_DRAWS; tries++) {
    const drawn = draw(rng);
    if (holds(drawn)) return drawn;
  }
  throw new Error(`the generator found no task meeting its guarantees in ${MAX_DRAWS} draws`);
}

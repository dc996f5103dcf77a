import { REPORT_INFEASIBLE } from '../ending-tools.js';
import { Rng, splitSeed } from '../rng.js';
import { defineTools, z, type ToolTable } from './tools.js';

export { REPORT_INFEASIBLE };

/** The guard a family listing the `infeasible` feature has last: the episode's ending matches the seed (a report on an infeasible seed, anything else on the others). */
export const FEASIBILITY = 'feasibility';

const DEFINITIONS = {
  [REPORT_INFEASIBLE]: {
    description:
      'Say that the task cannot be done as asked (what it needs does not exist, contradicts itself or breaks a rule the task gives), and why: ends the episode. Change nothing before calling it.',
    args: z.strictObject({
      reason: z.string().min(1).max(2_000).describe('Why the task cannot be done, from what you found (the missing item, the rule it breaks).'),
    }),
  },
};

/** `report_infeasible` as a tool table, for an env's catalogue of tools. */
export const REPORT_INFEASIBLE_TOOL: ToolTable<typeof DEFINITIONS> = defineTools(DEFINITIONS);

/** Seeds per block, one of them infeasible: a share of exactly a quarter over any four consecutive seeds. */
const BLOCK = 4;
/** Salt of the block's own generator, apart from every instance's. */
const PLACE_SALT = 0x1f3a;

/**
 * Whether the seed of the family `family` (its id) is one of its infeasible ones, where it lists
 * `infeasible`: one seed in every block of four consecutive seeds, at a place drawn from the
 * family, the split and the block, so the share is exact over any run of seeds, no arithmetic on
 * the seed finds them, and the families' infeasible seeds are not the same ones.
 */
export function infeasibleSeed(family: string, split: string, seed: number): boolean {
  const block = Math.floor(seed / BLOCK);
  const place = new Rng(splitSeed(split, block)).fork(PLACE_SALT ^ nameHash(family)).int(0, BLOCK - 1);
  return seed % BLOCK === place;
}

/** FNV-1a of a name: a family's own salt. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

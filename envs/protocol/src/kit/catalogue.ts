import { CallRefusedError } from '../errors.js';
import type { TaskFamily } from '../messages.js';
import type { ComponentDecl } from '../reward.js';
import { Rng, splitSeed } from '../rng.js';
import { FEASIBILITY, infeasibleSeed } from './feasibility.js';
import { COLLATERAL, NO_COLLATERAL } from './judged-session.js';
import { FEATURES, type Difficulty, type FamilyDef, type InstanceOf } from './family.js';
import { MUTED, type Person } from './people.js';

/** The generated families' splits: disjoint by seed (see `instanceRng`). */
export const SPLITS: readonly string[] = ['train', 'test'];

/**
 * The one seeding rule of every env: the generator of the instance (split, seed) starts from
 * `splitSeed(split, seed)`, so train and test instances never coincide. Families draw every
 * choice from it (`rng.fork(n)` for independent parts).
 */
export function instanceRng(split: string, seed: number): Rng {
  return new Rng(splitSeed(split, seed));
}

/** What an env's catalogue adds to its family definitions. */
export interface CatalogueOptions {
  /** The job of every family that names none of its own. */
  job?: string;
  /** Families the env lists but does not generate from a definition (external suites, tasks passed in options). */
  external?: readonly TaskFamily[];
  /**
   * Each defined family's verifier version by family name: the env's generated
   * `src/gen/verifier-versions.ts` (see computeVerifierVersions in the runtime package). A
   * family missing from it reports "" (not tracked).
   */
  verifierVersions?: Readonly<Record<string, string>>;
}

/**
 * An env's task families: the protocol catalogue (ids `<env>/<name>`, job, difficulty, splits,
 * strategies, near-misses), lookup by id, and the instance of a (family, seed, split).
 */
export class FamilyCatalogue<Def extends FamilyDef<unknown>> {
  /** What `Environment.families()` lists: the defined families in order, then the external ones. */
  readonly families: readonly TaskFamily[];

  constructor(
    readonly env: string,
    readonly definitions: readonly Def[],
    options: CatalogueOptions = {},
  ) {
    this.families = [
      ...definitions.map((def) => {
        const job = def.job ?? options.job;
        if (!job) throw new TypeError(`${this.id(def)} names no job, and the ${env} catalogue has no default`);
        scenarioTasks(def);
        return {
          id: this.id(def),
          job,
          difficulty: def.difficulty,
          description: def.description,
          splits: [...SPLITS],
          strategies: [...def.strategies],
          nearMisses: familyNearMisses(def),
          components: familyComponents(def).map((c) => ({ name: c.name, kind: c.kind === 'guard' ? 1 : 0 })),
          conditions: [...(def.conditions ?? [])],
          guesses: [...(def.guesses ?? [])],
          tiers: [...familyTiers(def)],
          heldOut: def.heldOut === true,
          features: [...familyFeatures(def)],
          verifierVersion: options.verifierVersions?.[def.name] ?? '',
        };
      }),
      ...(options.external ?? []),
    ];
  }

  /** The family's id, `<env>/<name>`. */
  id(def: Def): string {
    return `${this.env}/${def.name}`;
  }

  /** The definition behind `id`, or undefined (an external family, or none). */
  find(id: string): Def | undefined {
    return this.definitions.find((def) => this.id(def) === id);
  }

  /** The definition behind `id`, or the protocol's unknown_family refusal. */
  get(id: string): Def {
    const def = this.find(id);
    if (!def) throw new CallRefusedError('unknown_family', `no task family ${JSON.stringify(id)} in ${this.env}`);
    return def;
  }

  /** The task (id, seed, split) stands for, without opening a session. */
  instance(id: string, seed: number, split = 'train'): InstanceOf<Def> {
    const def = this.get(id);
    const tasks = scenarioTasks(def);
    // A scenario's seeds share the world's generator (and tier): the ones its block number gives.
    const block = Math.floor(seed / tasks);
    const variant = { infeasible: this.infeasible(id, seed, split) };
    return def.generate(instanceRng(split, block), seed % tasks, drawTier(def, split, block), variant) as InstanceOf<Def>;
  }

  /** The people of the task (id, seed, split): none for a family without the `people` feature. */
  people(id: string, seed: number, split = 'train'): readonly Person[] {
    const def = this.get(id);
    return def.people ? def.people(this.instance(id, seed, split)) : [];
  }

  /** Whether the task (id, seed, split) asks for what cannot be done (only for a family listing `infeasible`). */
  infeasible(id: string, seed: number, split = 'train'): boolean {
    return familyFeatures(this.get(id)).includes('infeasible') && infeasibleSeed(id, split, seed);
  }

  /** The family's components as the catalogue lists them: its own, then the kit's `feasibility` guard where it has the feature. */
  components(id: string): ComponentDecl[] {
    return familyComponents(this.get(id));
  }

  /** The tier of the task (id, seed, split): drawn from its seed for a family with tiers, else the family's difficulty. */
  tier(id: string, seed: number, split = 'train'): Difficulty {
    const def = this.get(id);
    return drawTier(def, split, Math.floor(seed / scenarioTasks(def)));
  }

  /** The scenario the seed's task belongs to (its block's number), or "" for a family without scenarios. */
  scenario(id: string, seed: number): string {
    const def = this.get(id);
    return def.scenario ? String(Math.floor(seed / scenarioTasks(def))) : '';
  }
}

function scenarioTasks(def: FamilyDef<unknown>): number {
  const tasks = def.scenario?.tasks ?? 1;
  if (!Number.isInteger(tasks) || tasks < 1) throw new TypeError(`family ${def.name} declares scenarios of ${tasks} tasks; it must be a whole number >= 1`);
  return tasks;
}

function familyFeatures(def: FamilyDef<unknown>): readonly string[] {
  const features = def.features ?? [];
  const unknown = features.filter((f) => !FEATURES.includes(f));
  if (unknown.length > 0) throw new TypeError(`family ${def.name} lists unknown features ${unknown.join(', ')} (known: ${FEATURES.join(', ')})`);
  return FEATURES.filter((f) => features.includes(f));
}

/** The family's own components, then the kit's guards: `no_collateral` where its whole state is judged, `feasibility` where it has infeasible seeds. */
function familyComponents(def: FamilyDef<unknown>): ComponentDecl[] {
  const own = [...(def.components ?? [])];
  const kit: ComponentDecl[] = [
    ...(def.collateral ? [{ name: NO_COLLATERAL, kind: 'guard' as const }] : []),
    ...(familyFeatures(def).includes('infeasible') ? [{ name: FEASIBILITY, kind: 'guard' as const }] : []),
  ];
  const taken = kit.filter((c) => own.some((o) => o.name === c.name));
  if (taken.length > 0) throw new TypeError(`family ${def.name} declares a component named ${taken[0]!.name}, which the kit adds`);
  return [...own, ...kit];
}

/** The family's near-misses, then the kit's: `collateral` where its whole state is judged, `muted` where it has people. */
function familyNearMisses(def: FamilyDef<unknown>): string[] {
  const hasPeople = familyFeatures(def).includes('people');
  if (hasPeople !== (def.people !== undefined))
    throw new TypeError(
      `family ${def.name} ${hasPeople ? 'lists the people feature but defines no people' : 'defines people but does not list the people feature'}`,
    );
  const kit = [...(def.collateral ? [COLLATERAL] : []), ...(hasPeople ? [MUTED] : [])];
  const taken = kit.find((name) => def.nearMisses.includes(name));
  if (taken) throw new TypeError(`family ${def.name} names a near-miss ${taken}, which the kit adds`);
  return [...def.nearMisses, ...kit];
}

function familyTiers(def: FamilyDef<unknown>): readonly Difficulty[] {
  const tiers = def.tiers ?? [];
  if (new Set(tiers).size !== tiers.length) throw new TypeError(`family ${def.name} declares a tier twice: ${tiers.join(', ')}`);
  return tiers;
}

/**
 * Salt of the tier's own generator: the tier is not drawn from the instance's generator, so a
 * family's instances draw the same values whatever its tiers (adding a tier shifts nothing else).
 */
const TIER_SALT = 0x71e2;

function drawTier(def: FamilyDef<unknown>, split: string, block: number): Difficulty {
  const tiers = familyTiers(def);
  if (tiers.length === 0) return def.difficulty;
  return tiers[
    instanceRng(split, block)
      .fork(TIER_SALT)
      .int(0, tiers.length - 1)
  ]!;
}

import type { ExpertAction } from '../environment.js';
import type { ToolCall } from '../messages.js';
import type { ComponentDecl } from '../reward.js';
import type { Rng } from '../rng.js';
import { toolCall } from '../tool-call.js';
import type { Person } from './people.js';

/** How hard a family's tasks are, as the catalogue lists it beside the family. */
export type Difficulty = 'easy' | 'medium' | 'hard';

/**
 * What a family's tasks have beyond a request the instruction states in full (TaskFamily.features):
 * `infeasible`: a quarter of its seeds ask for what cannot be done (see `Variant`);
 * `people`: success needs what only a person of the task says (`FamilyDef.people`);
 * `policy`: the instruction says only "follow company policy", and the agent must find the rule.
 */
export type Feature = 'infeasible' | 'people' | 'policy';

/** The features a family may list, in the order the catalogue lists them. */
export const FEATURES: readonly Feature[] = ['infeasible', 'people', 'policy'];

/** What the kit decides about an instance before its generator runs. */
export interface Variant {
  /**
   * The request cannot be done (a family listing the `infeasible` feature; always false
   * otherwise): the generator makes the item absent, the figure missing or the request break a
   * rule the task states, in an instance that looks like the feasible ones. Only
   * `report_infeasible`, with nothing changed, succeeds on it.
   */
  infeasible: boolean;
}

/** A tool call as a family writes it: a name and arguments (the session gives it an id). */
export interface PlannedCall {
  /** One of the session's tools. */
  name: string;
  /** The arguments as the tool's JSON Schema describes them. */
  arguments: Record<string, unknown>;
}

/** A value the expert computed rather than read, and the shown values it comes from (the grounding rule). */
export interface Derived {
  /** The value as it appears in the call's arguments (compared after normalising case and spaces). */
  value: string;
  /** The values it is computed from, each as the episode showed it; the conformance check finds every one in what was shown. */
  sources: string[];
  /** How it follows from them, in words ("sum of the shown amounts"). */
  how: string;
}

/** The expert's next step: the call, why (in terms of what the episode showed), and the values it computed. */
export interface ExpertStep {
  call: PlannedCall;
  /** Why this call, from what the episode showed ("The list shows the note as number 3: open it."). */
  text: string;
  /** Every value of `call` that the episode did not show as such. */
  derived?: Derived[];
}

/**
 * A task family: what the catalogue lists about it, and a generator of its instances. An
 * instance is a pure function of the generator it is given (the seeding rule: `instanceRng`).
 */
export interface FamilyDef<Instance> {
  /** Short name; the family id is `<env>/<name>`. */
  name: string;
  /** The job the family trains, where it is not the env's own. */
  job?: string;
  difficulty: Difficulty;
  /** One sentence: what the tasks ask (the catalogue and the docs' family tables show it). */
  description: string;
  /** Named ways the expert solves the family (the first is the default); each reaches reward 1 on every seed. */
  strategies: readonly string[];
  /** Named scripted attempts that game the verifier; none may succeed (the conformance check plays each). */
  nearMisses: readonly string[];
  /**
   * The verdict's components in the order credit is given: `progress` for what a correct
   * solution needs and a shortcut cannot produce (the right record before the right amount,
   * formulas before values), `guard` for what holds when nothing was done (others untouched,
   * only one sent, no other cell changed). The server computes shaped reward from this
   * declaration (`shapedReward`); no family sums its own. Every verdict names exactly these.
   * Empty only for tasks a task set brings, whose env reports their own reward.
   */
  components: readonly ComponentDecl[];
  /**
   * The conditions the task states (category, rating, amount, status, date window, which
   * record). `generate` guarantees that dropping any one changes the right outcome (another
   * product, other rows, another count), drawing again where it would not; the expert plays
   * `relax:<condition>`, the task done with that condition dropped, which must fail with shaped
   * reward 0 (the conformance check's relaxation case).
   */
  conditions?: readonly string[];
  /**
   * Named constant attempts, the same whatever the seed (answer "2", buy the first product
   * listed, triage every ticket Normal / Billing), played by the expert as `guess:<name>`: each
   * may succeed on at most 5% of seeds (the conformance check's guessing floor).
   */
  guesses?: readonly string[];
  /**
   * Declared only by a family whose tasks are related: each block of `tasks` consecutive seeds
   * (0..tasks-1, tasks..2*tasks-1, ...) is one scenario, a world generated once and asked a
   * different thing by each seed. The kit then hands every seed of the block the same world
   * generator, and `generate` its task number in the block; records carry the scenario, and eval
   * reports the minimum success over its tasks. Without it every seed draws a world of its own.
   */
  scenario?: { tasks: number };
  /**
   * The difficulty tiers the family's instances come in: a knob of the generator (size,
   * distractors, steps) that `generate` turns by its `tier` argument. The kit draws each
   * instance's tier (a scenario's, for a scenario family) from a generator of its own, so the
   * instance's other draws do not depend on it, and the reset's `Task.difficulty` records it.
   * Without tiers every instance is of `difficulty`.
   */
  tiers?: readonly Difficulty[];
  /**
   * Kept out of training: trainers draw no training episode from this family by default, so
   * evaluation on it measures generalisation to an unseen family. Each job names at least one.
   */
  heldOut?: boolean;
  /**
   * What the family's tasks have beyond a fully stated request. `infeasible`: the kit makes one
   * seed in every four infeasible (`Variant.infeasible`), offers `report_infeasible` to judge
   * them, and adds the guard `feasibility` after the family's own components.
   */
  features?: readonly Feature[];
  /**
   * The kit judges the family's whole state: its sessions declare the changes the task expects
   * (`Session.expectsChange`) and can make one more (`Session.touch`); any other change fails
   * the guard `no_collateral` the catalogue adds, and the near-miss `collateral` (the expert plus
   * one unexpected change) must fail.
   */
  collateral?: boolean;
  /**
   * The instance's people, for a family listing `people`: who the agent can reach, and what only
   * they know. The kit offers `message` where one of them answers on it, adds the near-miss
   * `muted` (the expert with no one answering must fail), and hands the env the episode's
   * `People` (`EpisodeSpec.people`) for its own channels and its expert.
   */
  people?(instance: Instance): readonly Person[];
  /**
   * The instance from its generator; `task` is the seed's task in its scenario (always 0 without
   * one); `tier` the instance's tier (`difficulty` for a family without tiers); `variant` what
   * the kit decided of the instance (its feasibility).
   */
  generate(rng: Rng, task: number, tier: Difficulty, variant: Variant): Instance;
}

/** The instance type a family definition generates. */
export type InstanceOf<Def> = Def extends FamilyDef<infer Instance> ? Instance : never;

/** An expert step as the protocol's ExpertAction, its call under `id`. */
export function expertAction(step: ExpertStep, id: string): ExpertAction {
  return { calls: [toolCall(step.call.name, step.call.arguments, id)], text: step.text, derived: step.derived ?? [] };
}

/** Planned calls as protocol tool calls with the ids `cand-1`, `cand-2`, ... (an observation's candidate actions). */
export function candidateCalls(calls: readonly PlannedCall[]): ToolCall[] {
  return calls.map((call, i) => toolCall(call.name, call.arguments, `cand-${i + 1}`));
}

import type { ExpertStep, FamilyDef as KitFamilyDef, Person } from '@workgym/protocol/kit';
import type { ExpertView } from './expert-kit.js';
import type { SiteApp } from '../sites/site-app.js';

/** The job a browser family trains; each family names its own. */
export type Job = 'customer-support' | 'back-office' | 'office-assistant';

/** What the episode ended with, as `verify` gets it; the rest of the outcome is the site backends' state. */
export interface VerifyInput {
  /** The text given to answer(), if any. */
  answer: string | undefined;
  /** The agent called submit (it declared the task done). */
  submitted: boolean;
}

/** The verdict of one episode; build it with `verification` (or `answerVerification` for a question task). */
export interface Verification {
  /** All components are satisfied. */
  success: boolean;
  /** Named parts of the result, each 0..1. */
  components: Record<string, number>;
  /** One line for logs and failed checks: what the backend holds against what was expected. */
  detail: string;
  /**
   * The reward, only for task sets and external suites that declare no components (MiniWoB++,
   * JSONL tasks); a generated family's shaped reward is computed by the server from its declared
   * components. Its components then need not be 0..1 (`miniwob_raw_reward` is the page's −1..1).
   */
  reward?: number;
}

/**
 * One generated task, what a family's `generate(rng)` returns: its sites with their seeded
 * backends, the instruction, the expert and the verifier. Everything is drawn from `rng`, so the
 * same (split, seed) gives the same task.
 */
export interface TaskInstance {
  /** What the agent is asked, with every value it must type (names, addresses, codes). */
  instruction: string;
  /**
   * The site apps of this episode, freshly built from the generated data (e.g. `new AdminSite(users)`);
   * the env serves them at `http://<host>/` and only them. Keep a reference: `verify` reads their state.
   */
  sites: SiteApp[];
  /** The first page, on one of `sites` (e.g. `http://admin.test/users`). */
  startUrl: string;
  /** Information-seeking: the episode ends with answer(), which `verify` gets as `input.answer`. */
  answers?: boolean;
  /**
   * The next call of the strategy or near-miss `view.strategy` names, decided from the current
   * page, the pages seen and the backends (never a step counter), with a reason; typed values come
   * from the instruction or a page. Shapes: `editRecords`, `answerFacts` (expert-kit.ts).
   * Absent for external suites (MiniWoB++).
   */
  expert?(view: ExpertView): ExpertStep;
  /**
   * The verdict, from the site backends' state and `input` only (never the DOM), judged against
   * the generated truth: pair each "has the right value" with "changed nothing else".
   */
  verify(input: VerifyInput): Verification;
  /**
   * The changes the task asks for, as keys of the session's state (`site:desk/tickets/301`, a new
   * refund `site:desk/refunds/#0`): declared from the generated task, never from the backends'
   * state at the end. A family with `collateral: true` declares it, and the kit fails any other
   * change on its guard `no_collateral`.
   */
  expectsChange?(key: string): boolean;
  /**
   * Who the agent can reach, for a family listing `people` (its `people` returns them): what only
   * they know is never in the instruction or on a page until they say it.
   */
  people?: readonly Person[];
  /** Runs once after the start page loaded (MiniWoB++: seed the page, turn the timer off, start). */
  prepare?(page: PageHooks): Promise<void>;
  /** Runs after every action; true ends the episode (MiniWoB++: the page says it is done). */
  afterStep?(page: PageHooks): Promise<boolean>;
}

/** What a task may do to its page beyond the agent's tools. */
export interface PageHooks {
  evaluate<T>(expression: string): Promise<T | null>;
}

/**
 * A browser family (id `browser/<name>`): the kit's family definition (name, difficulty,
 * description, strategies, near-misses, `generate(rng)` returning a TaskInstance), with its own job.
 * List it in `FAMILIES` (src/tasks/index.ts); templates/ holds one to copy per shape.
 */
export type FamilyDef = KitFamilyDef<TaskInstance> & { job: Job };

/**
 * A verification that succeeds when every component is fully met. `components` are named checks,
 * 0 or 1 each (`plan`, `rest_of_record`), exactly those the family declares.
 */
export function verification(components: Record<string, number>, detail: string): Verification {
  return { success: Object.values(components).every((c) => c === 1), components, detail };
}

/**
 * The verdict of an information-seeking task: the progress component `answer` (`right` is the
 * family's own comparison), and the family's `guards` (the site's records untouched), each 0 or 1.
 */
export function answerVerification(given: string | undefined, expected: string, right: boolean, guards: Record<string, number> = {}): Verification {
  return verification({ answer: right ? 1 : 0, ...guards }, `answer ${JSON.stringify(given ?? null)}; expected ${expected}`);
}

/** Lower-case, collapsed whitespace: how answers and replies are compared. */
export function norm(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

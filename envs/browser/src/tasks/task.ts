import type { ExpertStep, FamilyDef as KitFamilyDef } from '@workgym/protocol/kit';
import type { ExpertView } from './expert-kit.js';
import type { SiteApp } from '../sites/site-app.js';

export type Job = 'customer-support' | 'back-office';

export interface VerifyInput {
  /** The text given to answer(), if any. */
  answer: string | undefined;
  submitted: boolean;
}

export interface Verification {
  /** All components are satisfied. */
  success: boolean;
  /** Named parts of the result, each 0..1. */
  components: Record<string, number>;
  /** Partial credit counts only once the task's main effect happened (an order, a refund...). */
  gate: boolean;
  detail: string;
}

/** One generated task: its sites with their seeded backends, the instruction, expert and verifier. */
export interface TaskInstance {
  instruction: string;
  sites: SiteApp[];
  startUrl: string;
  /** Information-seeking: the episode ends with answer(). */
  answers?: boolean;
  /** The next move of the strategy or near-miss `view.strategy` names; absent for external suites (MiniWoB++). */
  expert?(view: ExpertView): ExpertStep;
  verify(input: VerifyInput): Verification;
  /** Runs once after the start page loaded (MiniWoB++: seed the page, turn the timer off, start). */
  prepare?(page: PageHooks): Promise<void>;
  /** Runs after every action; true ends the episode (MiniWoB++: the page says it is done). */
  afterStep?(page: PageHooks): Promise<boolean>;
}

/** What a task may do to its page beyond the agent's tools. */
export interface PageHooks {
  evaluate<T>(expression: string): Promise<T | null>;
}

/** A browser family (id `browser/<name>`): the kit's family definition, with its own job. */
export type FamilyDef = KitFamilyDef<TaskInstance> & { job: Job };

/** A verification that succeeds when every component is fully met. */
export function verification(components: Record<string, number>, gate: boolean, detail: string): Verification {
  return { success: Object.values(components).every((c) => c === 1), components, gate, detail };
}

/** Reward from components: their mean once the gate is open, else 0; 1 only on full success. */
export function score(v: Verification): number {
  if (v.success) return 1;
  if (!v.gate) return 0;
  const values = Object.values(v.components);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return Math.min(0.9, mean);
}

/** Lower-case, collapsed whitespace: how answers and replies are compared. */
export function norm(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

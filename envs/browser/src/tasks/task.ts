import type { Snapshot, SnapshotNode } from '../browser/ax-snapshot.js';
import type { SiteApp } from '../sites/site-app.js';
import type { Rng } from './rng.js';

export type Job = 'customer-support' | 'back-office';
export type Difficulty = 'easy' | 'medium' | 'hard';

/** One tool call the expert wants made next. */
export interface PlannedCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** What the expert sees: the page as the agent sees it (it reads backends through closures). */
export interface ExpertView {
  url: URL;
  snapshot: Snapshot;
}

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
  /** The reference solution's next call; absent for external suites (MiniWoB++). */
  expert?(view: ExpertView): PlannedCall;
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

export interface FamilyDef {
  /** The id without "browser/". */
  name: string;
  job: Job;
  difficulty: Difficulty;
  description: string;
  generate(rng: Rng): TaskInstance;
}

// Helpers experts share: find an element in the snapshot, fill a form field by field.

export function findNode(snapshot: Snapshot, role: string | string[], name: string | RegExp): SnapshotNode | undefined {
  const roles = Array.isArray(role) ? role : [role];
  return snapshot.nodes.find((n) => roles.includes(n.role) && (typeof name === 'string' ? n.name === name : name.test(n.name)));
}

export function mustFind(snapshot: Snapshot, role: string | string[], name: string | RegExp): SnapshotNode {
  const node = findNode(snapshot, role, name);
  if (!node) throw new Error(`expert: no ${String(role)} ${String(name)} on the page`);
  return node;
}

export const click = (node: SnapshotNode): PlannedCall => ({ name: 'click', arguments: { id: node.id } });
export const goto = (url: string): PlannedCall => ({ name: 'goto', arguments: { url } });

/**
 * Opens `url` the way a person would: clicks the page's link to it when there is one, and types
 * the address only otherwise. Demonstrations then use actions a policy over candidates can take.
 */
export function navigate(snapshot: Snapshot, url: string): PlannedCall {
  const link = snapshot.nodes.find((n) => n.role === 'link' && n.url === url);
  return link ? click(link) : goto(url);
}
export const submit = (): PlannedCall => ({ name: 'submit', arguments: {} });
export const answer = (text: string): PlannedCall => ({ name: 'answer', arguments: { text } });

export interface FormField {
  label: string;
  value: string;
  /** text (default), select (a drop-down) or check (a checkbox that must end up checked/unchecked). */
  kind?: 'text' | 'select' | 'check';
}

/**
 * The next call to fill a form and press its button: the first field whose value differs, or
 * the button once every field is right.
 */
export function fillForm(snapshot: Snapshot, fields: readonly FormField[], button: string): PlannedCall {
  for (const f of fields) {
    if (f.kind === 'select') {
      const node = mustFind(snapshot, 'combobox', f.label);
      if (node.value !== f.value) return { name: 'select', arguments: { id: node.id, option: f.value } };
    } else if (f.kind === 'check') {
      const node = mustFind(snapshot, 'checkbox', f.label);
      const checked = node.states.checked === 'true';
      if (checked !== (f.value === 'true')) return click(node);
    } else {
      const node = mustFind(snapshot, ['textbox', 'searchbox', 'spinbutton'], f.label);
      // The accessibility tree collapses whitespace, so compare the way it shows values.
      if (norm(node.value) !== norm(f.value)) return { name: 'fill', arguments: { id: node.id, text: f.value } };
    }
  }
  return click(mustFind(snapshot, 'button', button));
}

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

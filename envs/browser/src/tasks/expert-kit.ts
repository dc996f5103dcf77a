// What experts share. An expert may know the task's solution, as a teacher does, but every call
// it makes must be one a student could make from what the episode has shown: it clicks elements
// of the current page, types values the instruction or a page showed, and declares the values it
// computes (a refund amount, a reply) with the shown values they come from.
import type { Derived, ExpertStep, PlannedCall } from '@workgym/protocol/kit';
import type { Snapshot, SnapshotNode } from '../browser/ax-snapshot.js';

/** A page the episode showed the agent: its address (the observation's URL line) and content. */
export interface SeenPage {
  url: string;
  snapshot: Snapshot;
}

/** What the expert sees: the current page, every page shown so far, and the strategy to follow. */
export interface ExpertView {
  url: URL;
  snapshot: Snapshot;
  /** Every page this episode has shown, oldest first; the current page is the last. */
  seen: readonly SeenPage[];
  /** One of the family's strategies or near-misses. */
  strategy: string;
}

export function act(call: PlannedCall, text: string, derived?: Derived[]): ExpertStep {
  return derived ? { call, text, derived } : { call, text };
}

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
export const submit = (): PlannedCall => ({ name: 'submit', arguments: {} });
export const answer = (text: string): PlannedCall => ({ name: 'answer', arguments: { text } });

/**
 * Opens `url` the way a person would: clicks the page's link to it, or types the address when an
 * earlier page of this episode was at that address (its URL line showed it). A URL the episode
 * never showed is never typed: the answer is then undefined and the caller finds another way
 * (a menu, a search, a list).
 */
export function navigate(view: ExpertView, url: string, text: string): ExpertStep | undefined {
  const link = view.snapshot.nodes.find((n) => n.role === 'link' && n.url === url);
  if (link) return act(click(link), `${text}.`);
  if (view.seen.some((p) => p.url === url)) return act(goto(url), `${text} (its address was shown earlier).`);
  return undefined;
}

/** Clicks a link of the page by its name: the way back to a site's main list from anywhere. */
export function followLink(view: ExpertView, name: string, text: string): ExpertStep | undefined {
  const link = findNode(view.snapshot, 'link', name);
  return link ? act(click(link), text) : undefined;
}

/**
 * Leaves the page by the site's menu link `hub`; on a page without the menu (an error page, a
 * blank one) by the start page, whose address the first observation showed.
 */
export function leave(view: ExpertView, hub: string, text: string): ExpertStep {
  return followLink(view, hub, `${text}.`) ?? act(goto(view.seen[0]!.url), `${text}; this page has no menu, so start again from the first page.`);
}

export interface FormField {
  label: string;
  value: string;
  /** text (default), select (a drop-down) or check (a checkbox that must end up checked/unchecked). */
  kind?: 'text' | 'select' | 'check';
  /** Why this value: where the episode showed it. */
  why: string;
  derived?: Derived;
}

/**
 * The next call to fill a form and press its button: the first field whose value differs, or
 * the button once every field is right.
 */
export function fillForm(snapshot: Snapshot, fields: readonly FormField[], button: string, why: string): ExpertStep {
  return nextField(snapshot, fields) ?? act(click(mustFind(snapshot, 'button', button)), why);
}

/** The call that sets the first field whose value differs; undefined once every field is right. */
export function nextField(snapshot: Snapshot, fields: readonly FormField[]): ExpertStep | undefined {
  for (const f of fields) {
    const derived = f.derived ? [f.derived] : undefined;
    if (f.kind === 'select') {
      const node = mustFind(snapshot, 'combobox', f.label);
      if (node.value !== f.value) return act({ name: 'select', arguments: { id: node.id, option: f.value } }, f.why, derived);
    } else if (f.kind === 'check') {
      const node = mustFind(snapshot, 'checkbox', f.label);
      const checked = node.states.checked === 'true';
      if (checked !== (f.value === 'true')) return act(click(node), f.why);
    } else {
      const node = mustFind(snapshot, ['textbox', 'searchbox', 'spinbutton'], f.label);
      // The accessibility tree collapses whitespace, so compare the way it shows values.
      if (collapse(node.value) !== collapse(f.value)) return act({ name: 'fill', arguments: { id: node.id, text: f.value } }, f.why, derived);
    }
  }
  return undefined;
}

/** One data row of a table on the page: its cells' texts and the links inside it. */
export interface TableRow {
  cells: string[];
  links: SnapshotNode[];
}

/** The data rows of the page's tables (header rows have no cells), in page order. */
export function tableRows(snapshot: Snapshot): TableRow[] {
  const rows: TableRow[] = [];
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const row = nodes[i]!;
    if (row.role !== 'row') continue;
    const cells: string[] = [];
    const links: SnapshotNode[] = [];
    for (let j = i + 1; j < nodes.length && nodes[j]!.depth > row.depth; j++) {
      const n = nodes[j]!;
      if (n.role === 'cell' && n.depth === row.depth + 1) cells.push(n.name);
      if (n.role === 'link') links.push(n);
    }
    if (cells.length > 0) rows.push({ cells, links });
  }
  return rows;
}

/** The rest of the first static text of the page that starts with `prefix` ("Status: " → "open"). */
export function textAfter(snapshot: Snapshot, prefix: string): string | undefined {
  const node = snapshot.nodes.find((n) => n.role === 'StaticText' && n.name.startsWith(prefix));
  return node?.name.slice(prefix.length).trim();
}

/** Does the page show a static text that contains `text`? */
export function showsText(snapshot: Snapshot, text: string): boolean {
  return snapshot.nodes.some((n) => n.role === 'StaticText' && n.name.includes(text));
}

/** The pages the episode showed whose title is `title`, latest first. */
export function seenTitled(view: ExpertView, title: string | RegExp): SeenPage[] {
  const match = (t: string) => (typeof title === 'string' ? t === title : title.test(t));
  return view.seen.filter((p) => match(p.snapshot.title)).reverse();
}

/** "a, b and c". */
export function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// What experts share. An expert may know the task's solution, as a teacher does, but every call
// it makes must be one a student could make from what the episode has shown: it clicks elements
// of the current page, types values the instruction or a page showed, and declares the values it
// computes (a refund amount, a reply) with the shown values they come from.
import { REPORT_INFEASIBLE, type Derived, type ExpertStep, type People, type PlannedCall } from '@workgym/protocol/kit';
import type { Snapshot, SnapshotNode } from '../browser/ax-snapshot.js';

/** A page the episode showed the agent: its address (the observation's URL line) and content. */
export interface SeenPage {
  /** The address the observation's URL line showed. */
  url: string;
  /** The page's accessibility tree as the observation showed it: title, and nodes with role, name, value, states and ids. */
  snapshot: Snapshot;
}

/**
 * What `TaskInstance.expert` gets at each step: the current page, every page shown so far, and
 * the strategy to follow. It is everything a student had; the expert may also know the task's
 * generated truth and read the site backends' state, but every value it types must come from
 * the instruction or a page (or be declared in `derived`).
 */
export interface ExpertView {
  /** The current page's address. */
  url: URL;
  /** The current page: click and fill its nodes by their `id`. */
  snapshot: Snapshot;
  /** Every page this episode has shown, oldest first; the current page is the last. */
  seen: readonly SeenPage[];
  /** One of the family's strategies or near-misses. */
  strategy: string;
  /** The task's people and what they have said, for a family listing `people`. */
  people?: People;
}

/**
 * One expert step: the call, the reason written from what the pages showed ("The table lists
 * x@corp.example: open the edit form."), and the computed values with the shown values they
 * come from (a sum, a count; see Derived).
 */
export function act(call: PlannedCall, text: string, derived?: Derived[]): ExpertStep {
  return derived ? { call, text, derived } : { call, text };
}

/** The first node of the page with this role (or one of these roles) and accessible name. */
export function findNode(snapshot: Snapshot, role: string | string[], name: string | RegExp): SnapshotNode | undefined {
  const roles = Array.isArray(role) ? role : [role];
  return snapshot.nodes.find((n) => roles.includes(n.role) && (typeof name === 'string' ? n.name === name : name.test(n.name)));
}

/** findNode for an element the page must have; throws (a broken expert, not a wrong agent) when it is missing. */
export function mustFind(snapshot: Snapshot, role: string | string[], name: string | RegExp): SnapshotNode {
  const node = findNode(snapshot, role, name);
  if (!node) throw new Error(`expert: no ${String(role)} ${String(name)} on the page`);
  return node;
}

/** The click tool's call on a node of the current page (fill and select calls are built by fillForm). */
export const click = (node: SnapshotNode): PlannedCall => ({ name: 'click', arguments: { id: node.id } });
/** The goto tool's call; prefer `navigate`, which types only an address the episode showed. */
export const goto = (url: string): PlannedCall => ({ name: 'goto', arguments: { url } });
/** The submit tool's call: the task is done; ends the episode. */
export const submit = (): PlannedCall => ({ name: 'submit', arguments: {} });
/** The answer tool's call of an information-seeking task (`answers: true`); ends the episode. */
export const answer = (text: string): PlannedCall => ({ name: 'answer', arguments: { text } });

/**
 * The step that ends an infeasible seed: `report_infeasible` (the kit's tool) with `reason`, a
 * sentence the expert wrote from what the pages showed, declared as derived from `sources`
 * (those shown values) the way `how` says.
 */
export function reportInfeasible(reason: string, sources: readonly string[], how: string): ExpertStep {
  return act({ name: REPORT_INFEASIBLE, arguments: { reason } }, `${reason} Report that it cannot be done.`, [{ value: reason, sources: [...sources], how }]);
}

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

/** One field of a form an expert fills, found by its label (its accessible name). */
export interface FormField {
  label: string;
  /** The value it must show: text, an option's label, or 'true'/'false' for a checkbox. */
  value: string;
  /** text (default), select (a drop-down) or check (a checkbox that must end up checked/unchecked). */
  kind?: 'text' | 'select' | 'check';
  /** Why this value: where the episode showed it. */
  why: string;
  /** Set when the value is computed (a sum, a date): the shown values it comes from. */
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

/** One record a form-filling expert edits: whether its change is saved, and its form. */
export interface RecordEdit {
  /** The backend already holds every wanted value of this record. */
  saved: boolean;
  /** The current page is this record's form (not another record's). */
  onForm: boolean;
  /** The values the form must show before `button` is pressed. */
  fields: readonly FormField[];
  /** The form's save button, by its name. */
  button: string;
  /** Why press the button once every field shows its value. */
  why: string;
}

/**
 * The form-filling shape's next call: the way to the first record whose change is not saved
 * (`open`), then its fields one by one and its button (fillForm), and submit (`done` says why)
 * once every record is saved. `records` is the task's own record, plus the others a near-miss
 * edits too. State-based: after a random action it picks up from whatever the page shows.
 */
export function editRecords<R>(
  view: ExpertView,
  records: readonly R[],
  edit: (record: R) => RecordEdit,
  open: (record: R) => ExpertStep,
  done: string,
): ExpertStep {
  for (const record of records) {
    const e = edit(record);
    if (e.saved) continue;
    return e.onForm ? fillForm(view.snapshot, e.fields, e.button, e.why) : open(record);
  }
  return act(submit(), done);
}

/**
 * The find-answer shape's next call: one fact per wanted item, `read` from the pages the episode
 * showed (undefined while none showed it); the way to the first item not read yet (`open`); and
 * once every fact is read, answer with them joined by a space. `wanted` is the task's own item,
 * plus the others a near-miss also reports (a hedged answer).
 */
export function answerFacts<T>(
  wanted: readonly T[],
  read: (item: T) => string | undefined,
  open: (item: T) => ExpertStep,
  why: (facts: readonly string[]) => string,
): ExpertStep {
  const facts: string[] = [];
  for (const item of wanted) {
    const fact = read(item);
    if (fact === undefined) return open(item);
    facts.push(fact);
  }
  return act(answer(facts.join(' ')), why(facts));
}

/** "a, b and c". */
export function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

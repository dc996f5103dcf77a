/**
 * A canonical snapshot of all the state an agent can change in a session (`Session.state`): a
 * stable key per thing (`site:shop/orders/4412`, `cell:Sales!B7`, `file:src/app.py`) and a
 * canonical string of it (sorted JSON, a value with its formula and style, a hash and mode).
 * Two snapshots of an untouched session are equal; every change an agent can make changes,
 * adds or removes a key.
 */
export type StateSnapshot = Readonly<Record<string, string>>;

/** One difference between two snapshots: a key changed, added (`before` undefined) or removed (`after` undefined). */
export interface StateChange {
  key: string;
  before?: string;
  after?: string;
}

/** What changed from `before` to `after`, by key in sorted order. */
export function diffStates(before: StateSnapshot, after: StateSnapshot): StateChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: StateChange[] = [];
  for (const key of keys) {
    const was = Object.hasOwn(before, key) ? before[key] : undefined;
    const now = Object.hasOwn(after, key) ? after[key] : undefined;
    if (was === now) continue;
    changes.push({ key, ...(was !== undefined ? { before: was } : {}), ...(now !== undefined ? { after: now } : {}) });
  }
  return changes;
}

/** Changes in a few words for a verdict's detail: how many, and the first keys with what happened to them. */
export function describeChanges(changes: readonly StateChange[], shown = 3): string {
  const kind = (c: StateChange) => (c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'changed');
  const listed = changes.slice(0, shown).map((c) => `${c.key} ${kind(c)}`);
  const more = changes.length > shown ? `, and ${changes.length - shown} more` : '';
  return `${changes.length} thing${changes.length === 1 ? '' : 's'} (${listed.join(', ')}${more})`;
}

/** Canonical JSON: object keys sorted at every depth, so equal records give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** Snapshots of several parts under one: each key prefixed with its part's name (`browser/…`, `sheet/…`). */
export function joinStates(parts: Readonly<Record<string, StateSnapshot>>): StateSnapshot {
  const joined: Record<string, string> = {};
  for (const [part, snapshot] of Object.entries(parts)) {
    for (const [key, value] of Object.entries(snapshot)) joined[`${part}/${key}`] = value;
  }
  return joined;
}

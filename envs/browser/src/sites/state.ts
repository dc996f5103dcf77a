import { canonicalJson, type StateSnapshot } from '@workgym/protocol/kit';
import type { SiteApp } from './site-app.js';

/**
 * An app's data as state entries: one per record of each list of records (`orders/4412`, by the
 * record's `id`, else its `ref`, else its place in the list when those are missing or repeat;
 * an empty list has none), one per other field (`coupons`, `me`), each the value's canonical
 * JSON (the kit's `canonicalJson`). A record added, removed or edited through the site adds,
 * removes or changes exactly its own entry.
 */
export function recordsState(data: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(data)) {
    if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const keys = recordKeys(value as Record<string, unknown>[]);
      value.forEach((record, i) => (out[`${field}/${keys[i]}`] = canonicalJson(record)));
    } else out[field] = canonicalJson(value);
  }
  return out;
}

/**
 * Edits the entry `key` of `recordsState(data)` in place, as an agent editing it on the site could
 * (the conformance check's one unexpected change, `Session.touch`): a record gets its first text
 * field (not its `id` or `ref`) a word longer, else its first number one more; another field is
 * changed likewise (a list gets one more element, a map its first value changed).
 */
export function touchRecords(data: object, key: string): void {
  const fields = data as Record<string, unknown>;
  const slash = key.indexOf('/');
  const field = slash < 0 ? key : key.slice(0, slash);
  const value = fields[field];
  if (slash < 0) {
    fields[field] = edited(value, key);
    return;
  }
  const records = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
  const record = records[recordKeys(records).indexOf(key.slice(slash + 1))];
  if (!record) throw new Error(`no record ${key} to change`);
  const editable = Object.keys(record).filter((k) => k !== 'id' && k !== 'ref');
  const name = editable.find((k) => typeof record[k] === 'string') ?? editable.find((k) => typeof record[k] === 'number');
  if (name === undefined) throw new Error(`record ${key} has no text or number field to change`);
  record[name] = edited(record[name], key);
}

function edited(value: unknown, key: string): unknown {
  if (typeof value === 'string') return `${value} (edited)`;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) return [...value, value[0] ?? 'edited'];
  if (value && typeof value === 'object') {
    const first = Object.keys(value)[0];
    return first === undefined ? { edited: true } : { ...value, [first]: edited((value as Record<string, unknown>)[first], key) };
  }
  throw new Error(`${key} holds nothing an edit could change`);
}

function recordKeys(records: readonly Record<string, unknown>[]): string[] {
  const named = records.map((r) => r.id ?? r.ref);
  const unique = named.every((k) => typeof k === 'number' || typeof k === 'string') && new Set(named).size === named.length;
  return unique ? named.map(String) : records.map((_, i) => `#${i}`);
}

/** Edits the entry at snapshot key `key` (`site:desk/tickets/301`) in the app it names (`SiteApp.touch`). */
export function touchSites(apps: readonly SiteApp[], key: string): void {
  const app = apps.find((a) => key.startsWith(statePrefix(a)));
  if (!app?.touch) throw new Error(`no site app can change ${key}`);
  app.touch(key.slice(statePrefix(app).length));
}

/** Where an app's entries live in a snapshot: `site:shop/` for shop.test. */
function statePrefix(app: SiteApp): string {
  return `site:${app.host.replace(/\.test$/, '')}/`;
}

/**
 * One snapshot of every site backend of a session (`site:shop/orders/4412`, `site:desk/tickets/301`,
 * `site:mail/messages/7` -> canonical JSON): what `Session.state()` gives, read server-side from
 * each app's own state, never through a page. Apps without server-side state (static files) add
 * nothing.
 */
export function sitesState(apps: readonly SiteApp[]): StateSnapshot {
  const out: Record<string, string> = {};
  for (const app of apps) {
    const prefix = statePrefix(app);
    for (const [key, value] of Object.entries(app.state?.() ?? {})) out[prefix + key] = value;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The change of a task that adds records to `app`'s list `field` (a booking, a trip, a claim), as
 * a family's `expectsChange`: an entry of that list the app did not hold when this was called (at
 * generation). An edit of a record held then is not one of them.
 */
export function recordsAdded(app: SiteApp, field: string): (key: string) => boolean {
  const prefix = `${statePrefix(app)}${field}/`;
  const start = new Set(Object.keys(app.state?.() ?? {}).map((k) => statePrefix(app) + k));
  return (key) => key.startsWith(prefix) && !start.has(key);
}

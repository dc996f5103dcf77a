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

function recordKeys(records: readonly Record<string, unknown>[]): string[] {
  const named = records.map((r) => r.id ?? r.ref);
  const unique = named.every((k) => typeof k === 'number' || typeof k === 'string') && new Set(named).size === named.length;
  return unique ? named.map(String) : records.map((_, i) => `#${i}`);
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

// How experts find users in the admin console: the search box, or page by page.
import type { Snapshot } from '../browser/ax-snapshot.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, findNode, leave, textAfter, type ExpertView, type FormField } from './expert-kit.js';

/** How an expert looks for a user it knows by email. */
export type UserLookup = 'search' | 'page-through';

/** The filter form's fields with the given values; every filter not named is "any". */
export function filters(values: { q?: string; plan?: string; country?: string; status?: string }, why: string): FormField[] {
  return [
    { label: 'Search name or email', value: values.q ?? '', why },
    { label: 'Plan', value: values.plan ?? 'Any plan', kind: 'select', why },
    { label: 'Country', value: values.country ?? 'Any country', kind: 'select', why },
    { label: 'Status', value: values.status ?? 'Any status', kind: 'select', why },
  ];
}

/** Are these filters (and only these) applied to the table now shown? */
export function applied(page: { url: string | URL; snapshot: Snapshot }, values: { q?: string; plan?: string; country?: string; status?: string }): boolean {
  const q = new URL(page.url).searchParams;
  return page.snapshot.title === 'Users' && (['q', 'plan', 'country', 'status'] as const).every((k) => (q.get(k) ?? '') === (values[k] ?? ''));
}

/** "Page 2 of 4" of the table shown. */
export function pageOf(snapshot: Snapshot): [number, number] {
  const m = /^(\d+) of (\d+)$/.exec(textAfter(snapshot, 'Page') ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [1, 1];
}

/** Is the page this user's edit form (its title and the email it shows)? */
export function onUserForm(view: ExpertView, user: { name: string; email: string }): boolean {
  return view.snapshot.title === `Edit ${user.name}` && findNode(view.snapshot, 'textbox', 'Email')?.value === user.email;
}

/** The way to a user's edit page: their row's Edit link, after a search or page by page. */
export function openUser(view: ExpertView, email: string, by: UserLookup): ExpertStep {
  const { snapshot } = view;
  if (snapshot.title !== 'Users') return leave(view, 'Users', `${email} is in the users table`);
  const edit = findNode(snapshot, 'link', `Edit ${email}`);
  if (edit) return act(click(edit), `The table lists ${email}: open the edit form.`);
  if (by === 'search') return fillForm(snapshot, filters({ q: email }, `Search the users for ${email}.`), 'Apply filters', `Search for ${email}.`);
  if (!applied(view, {})) return fillForm(snapshot, filters({}, 'Clear the filters to page through every user.'), 'Apply filters', 'Show every user.');
  // Page by page through the unfiltered table: towards a page the episode has not shown yet.
  const [at, pages] = pageOf(snapshot);
  const shown = new Set(view.seen.filter((p) => p.snapshot.title === 'Users' && unfiltered(new URL(p.url))).map((p) => pageOf(p.snapshot)[0]));
  const forward = Array.from({ length: pages - at }, (_, i) => at + 1 + i).some((n) => !shown.has(n));
  const link = findNode(snapshot, 'link', forward ? 'Next page' : 'Previous page');
  return link
    ? act(click(link), `Page ${at} of ${pages} does not list ${email}: ${forward ? 'next' : 'previous'} page.`)
    : leave(view, 'Users', `Start over at the first page`);
}

function unfiltered(url: URL): boolean {
  return ['q', 'plan', 'country', 'status'].every((k) => !url.searchParams.get(k));
}

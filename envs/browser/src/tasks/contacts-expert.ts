// How contacts experts find entries in the directory: the search box, or page by page.
import type { ExpertStep } from '@workgym/protocol/kit';
import type { Contact } from '../sites/contacts.js';
import { pageOf } from './admin-expert.js';
import { act, click, fillForm, findNode, goto, leave, tableRows, type ExpertView } from './expert-kit.js';

export const CONTACTS_URL = 'http://contacts.test/contacts';

/** How an expert looks for an entry it knows. */
export type ContactLookup = 'search' | 'browse';

function onList(view: { url: URL | string; snapshot: ExpertView['snapshot'] }, q: string): boolean {
  const url = new URL(view.url);
  return url.host === 'contacts.test' && view.snapshot.title === 'Contacts' && (url.searchParams.get('q') ?? '') === q;
}

/** Is the page this entry's own page? */
export function onContact(view: ExpertView, c: Contact, suffix = ''): boolean {
  return view.url.host === 'contacts.test' && view.url.pathname === `/contacts/${c.id}${suffix}`;
}

/** The row link of `c` in a list page, if it shows it. */
function rowLink(view: { snapshot: ExpertView['snapshot'] }, c: Contact) {
  return tableRows(view.snapshot).find((r) => r.cells[0] === c.name && r.cells[1] === c.company && r.cells[2] === c.email.replace(/\s+/g, ' '))?.links[0];
}

/** Back to the directory from anywhere: its menu link, or its address (the instruction gives it). */
function toDirectory(view: ExpertView, why: string): ExpertStep {
  return view.url.host === 'contacts.test' ? leave(view, 'Contacts', why) : act(goto(CONTACTS_URL), `${why}: the instruction gives its address.`);
}

/** The way to an entry's page: its row after a search for its name, or page by page through the whole list. */
export function openContact(view: ExpertView, c: Contact, by: ContactLookup): ExpertStep {
  const link = onList(view, by === 'search' ? c.name : '') ? rowLink(view, c) : undefined;
  if (link) return act(click(link), `The list shows ${c.name} of ${c.company} (${c.email}): open the entry.`);
  if (by === 'search') {
    if (!findNode(view.snapshot, 'searchbox', 'Search contacts')) return toDirectory(view, 'The directory has a search box');
    return fillForm(
      view.snapshot,
      [{ label: 'Search contacts', value: c.name, why: `Search for ${c.name}.` }],
      'Search',
      `Search the directory for ${c.name}.`,
    );
  }
  // A page shown earlier listed it: back to that page by its address.
  const listed = [...view.seen].reverse().find((p) => onList(p, '') && rowLink(p, c));
  if (listed && view.url.href !== listed.url) return act(goto(listed.url), `${c.name} of ${c.company} was on another page of the list: ${listed.url}.`);
  return pageThrough(view, `${c.name} of ${c.company} is not on this page`) ?? toDirectory(view, 'Start again at the first page of the directory');
}

/** The next page of the unfiltered list the episode has not shown, or undefined once every page was shown. */
export function pageThrough(view: ExpertView, why: string): ExpertStep | undefined {
  const shown = view.seen.filter((p) => onList(p, ''));
  const seen = new Set(shown.map((p) => pageOf(p.snapshot)[0]));
  if (shown.length > 0 && seen.size >= pageOf(shown[0]!.snapshot)[1]) return undefined;
  if (!onList(view, '')) {
    if (view.url.host === 'contacts.test' && view.snapshot.title === 'Contacts')
      return fillForm(view.snapshot, [{ label: 'Search contacts', value: '', why: 'Clear the search to list everyone.' }], 'Search', 'List every contact.');
    return toDirectory(view, 'The directory lists every contact');
  }
  const [at, pages] = pageOf(view.snapshot);
  const forward = Array.from({ length: pages - at }, (_, i) => at + 1 + i).some((n) => !seen.has(n));
  const link = findNode(view.snapshot, 'link', forward ? 'Next page' : 'Previous page')!;
  return act(click(link), `${why}: page ${at} of ${pages}, ${forward ? 'next' : 'previous'} page.`);
}

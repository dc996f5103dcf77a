// How experts find a message in the webmail: browse the inbox, or search it first.
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, findNode, leave, navigate, tableRows, type ExpertView } from './expert-kit.js';

/** A message an expert looks for: its id (for its address once shown), sender and subject. */
export interface WantedMail {
  id: number;
  from: string;
  subject: string;
}

/** Is the page this message (its subject as the title and its sender)? */
export function onMessage(view: ExpertView, mail: WantedMail): boolean {
  return view.snapshot.title === mail.subject && view.snapshot.nodes.some((n) => n.role === 'StaticText' && n.name === `From: ${mail.from}`);
}

/** The pages of this message the episode has shown, latest first. */
export function seenMessage(view: ExpertView, mail: WantedMail): ExpertView['seen'][number] | undefined {
  return [...view.seen]
    .reverse()
    .find((p) => p.snapshot.title === mail.subject && p.snapshot.nodes.some((n) => n.role === 'StaticText' && n.name === `From: ${mail.from}`));
}

/**
 * The way to a message: its row in the inbox (after searching for `query` when one is given),
 * its address when the episode was there before, else the inbox.
 */
export function openMessage(view: ExpertView, mail: WantedMail, query: string | undefined): ExpertStep {
  const { snapshot } = view;
  if (snapshot.title === 'Inbox') {
    const applied = view.url.searchParams.get('q') ?? '';
    const search = findNode(snapshot, 'searchbox', 'Search mail');
    if (query !== undefined && applied !== query && search) {
      if (search.value !== query) return act({ name: 'fill', arguments: { id: search.id, text: query } }, `Search the inbox for "${query}".`);
      return act(click(findNode(snapshot, 'button', 'Search')!), `Run the search for "${query}".`);
    }
    const row = tableRows(snapshot).find((r) => r.cells[0] === mail.from && r.links[0]?.name === mail.subject);
    if (row) return act(click(row.links[0]!), `${mail.from} sent "${mail.subject}" (${row.cells[2]}): open it.`);
  }
  const typed = navigate(view, `http://mail.test/m/${mail.id}`, `Open "${mail.subject}" again`);
  if (typed) return typed;
  // A search that hides the message, or another page: the full inbox lists every message.
  return leave(view, 'Inbox', `Look for "${mail.subject}" from ${mail.from} in the inbox`);
}

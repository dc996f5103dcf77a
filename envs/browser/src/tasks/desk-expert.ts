// How experts get around the support desk: by its menu, the ticket queue, the customers
// directory and the links between tickets, customers and orders.
import type { Snapshot, SnapshotNode } from '../browser/ax-snapshot.js';
import type { DeskCustomer } from '../sites/helpdesk.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, findNode, leave, navigate, seenTitled, tableRows, textAfter, type ExpertView } from './expert-kit.js';

const NAV = ['Ticket queue', 'Customers'];

/** How an expert reaches a customer's page: the ticket's From link, or the customers directory. */
export type CustomerRoute = 'ticket-link' | 'directory';

export function onTicket(view: ExpertView, ticketId: number): boolean {
  return view.snapshot.title.startsWith(`Ticket #${ticketId}:`);
}

export function onCustomer(view: ExpertView, customer: DeskCustomer): boolean {
  return view.snapshot.title === customer.name && textAfter(view.snapshot, 'Support tier:') !== undefined;
}

/** The order number of an order page, if this is one. */
export function orderPageId(title: string): number | undefined {
  const m = /^Order (\d+)$/.exec(title);
  return m ? Number(m[1]) : undefined;
}

/**
 * The way to a ticket's page: its link in the queue, its address when the episode was there
 * before (unless `byQueue`), else the queue.
 */
export function openTicket(view: ExpertView, ticketId: number, byQueue: boolean): ExpertStep {
  const url = `http://desk.test/tickets/${ticketId}`;
  const link = view.snapshot.nodes.find((n) => n.role === 'link' && n.url === url);
  if (link) return act(click(link), `The queue lists ticket #${ticketId} ("${link.name}"): open it.`);
  if (!byQueue) {
    const typed = navigate(view, url, `Back to ticket #${ticketId}`);
    if (typed) return typed;
  }
  return leave(view, 'Ticket queue', `Ticket #${ticketId} is in the ticket queue: open the queue`);
}

/** The way to the customer's page, which lists their support tier and orders. */
export function openCustomer(view: ExpertView, customer: DeskCustomer, ticketId: number, route: CustomerRoute): ExpertStep {
  const { snapshot } = view;
  if (route === 'directory') {
    if (snapshot.title === 'Customers') {
      const search = findNode(snapshot, 'searchbox', 'Search customers');
      if (search && search.value !== customer.name) {
        return act(
          { name: 'fill', arguments: { id: search.id, text: customer.name } },
          `Search the customers directory for ${customer.name}, the ticket's customer.`,
        );
      }
      const hit = tableRows(snapshot)
        .flatMap((r) => r.links)
        .find((l) => l.name === customer.name);
      if (hit) return act(click(hit), `${customer.name} is in the directory: open their page.`);
      return act(click(findNode(snapshot, 'button', 'Search')!), `Run the search for ${customer.name}.`);
    }
    return leave(view, 'Customers', `Look ${customer.name} up in the customers directory`);
  }
  // The ticket and every order page link to the customer by name.
  const onOwnPage = onTicket(view, ticketId) || orderPageId(snapshot.title) !== undefined;
  const link = onOwnPage ? findNode(snapshot, 'link', customer.name) : undefined;
  if (link) return act(click(link), `${customer.name} is the ticket's customer; their page lists their support tier and orders: open it.`);
  return openTicket(view, ticketId, false);
}

/** The customer's support tier, if the episode has shown their page. */
export function seenTier(view: ExpertView, customer: DeskCustomer): string | undefined {
  for (const page of seenTitled(view, customer.name)) {
    const tier = page.snapshot.nodes.find((n) => n.role === 'StaticText' && n.name.startsWith('Support tier:'));
    if (tier) return tier.name.slice('Support tier:'.length).trim();
  }
  return undefined;
}

/** What the episode has shown of one order's page (the latest view of it). */
export interface SeenOrder {
  id: number;
  /** The customer the page names (its link to them). */
  customer: string;
  status: string;
  tracking: string;
  delivery: string;
  /** [item, quantity, unit price, line total] per line. */
  lines: string[][];
  shipping: string;
  total: string;
}

/** Every order page the episode has shown, the latest view of each. */
export function seenOrders(view: ExpertView): SeenOrder[] {
  const out = new Map<number, SeenOrder>();
  for (const page of [...view.seen].reverse()) {
    const id = orderPageId(page.snapshot.title);
    if (id === undefined || out.has(id)) continue;
    const s = page.snapshot;
    out.set(id, {
      id,
      customer: s.nodes.find((n) => n.role === 'link' && !NAV.includes(n.name))?.name ?? '',
      status: textAfter(s, 'Status:') ?? '',
      tracking: textAfter(s, 'Tracking number:') ?? '',
      delivery: textAfter(s, 'Expected delivery:') ?? '',
      lines: tableRows(s).map((r) => r.cells),
      shipping: textAfter(s, 'Shipping:') ?? '',
      total: textAfter(s, 'Order total:') ?? '',
    });
  }
  return [...out.values()];
}

/** The orders a customer's page lists: each one's link and status. */
export function listedOrders(snapshot: Snapshot): { link: SnapshotNode; status: string }[] {
  return tableRows(snapshot).flatMap((r) => (r.links[0] && /^Order \d+$/.test(r.links[0].name) ? [{ link: r.links[0], status: r.cells[1] ?? '' }] : []));
}

/** Capitalised, as the desk's drop-downs show values. */
export function label(value: string): string {
  return value[0]!.toUpperCase() + value.slice(1);
}

import type { People } from '@workgym/protocol/kit';
import { PeopleChannel } from './people-channel.js';
import { money } from '../tasks/rng.js';
import { errors, esc, field, page, selectField, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export interface DeskCustomer {
  id: number;
  name: string;
  email: string;
  tier: 'standard' | 'premium' | 'enterprise';
  /** The id of the task's Person who writes as this customer (channel `desk`): they answer replies on their tickets. */
  person?: string;
}

export interface DeskOrder {
  id: number;
  customerId: number;
  items: { name: string; price: number; qty: number }[];
  shipping: number;
  status: 'delivered' | 'in transit' | 'processing';
  tracking: string;
  deliveryDate: string;
}

export interface Ticket {
  id: number;
  customerId: number;
  subject: string;
  body: string;
  status: 'open' | 'pending' | 'solved';
  priority: '' | 'low' | 'normal' | 'high' | 'urgent';
  category: '' | 'billing' | 'shipping' | 'product' | 'account';
  replies: string[];
  /** The support group it is assigned to (escalation), on a desk with `groups`; absent until assigned. */
  group?: string;
  /** Internal notes, which the customer never sees; absent until one is added. */
  notes?: string[];
  /**
   * What the customer wrote back on the thread (a Person of the task answering a reply), each
   * after the agent's reply number `after` (1 = the first); absent until they answer. It lives in
   * the ticket's record, which a task that has the agent reply already expects to change.
   */
  thread?: { after: number; from: string; text: string }[];
}

export interface Refund {
  orderId: number;
  amount: number;
  reason: string;
}

export interface DeskData {
  customers: DeskCustomer[];
  orders: DeskOrder[];
  tickets: Ticket[];
  refunds: Refund[];
  /**
   * The support groups a ticket can be escalated to: a desk that has them shows each ticket's
   * escalation form (group and internal note) and links the company handbook (`handbook`).
   */
  groups?: string[];
  /** The company handbook's address, linked from every page's menu. */
  handbook?: string;
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const CATEGORIES = ['billing', 'shipping', 'product', 'account'] as const;
export const REFUND_REASONS = ['Damaged item', 'Wrong item', 'Late delivery', 'Goodwill'] as const;
const NAV: [string, string][] = [
  ['/', 'Ticket queue'],
  ['/customers', 'Customers'],
];

export function orderTotal(o: DeskOrder): number {
  return o.items.reduce((s, i) => s + i.price * i.qty, 0) + o.shipping;
}

/** A help desk: ticket queue, triage, replies, customers and their orders, refunds. */
export class HelpDeskSite implements SiteApp {
  readonly host = 'desk.test';

  private readonly people = new PeopleChannel('desk');

  constructor(readonly data: DeskData) {}

  /** The task's people: a customer who is one of them answers the agent's replies on the ticket. */
  meet(people: People, fault: (error: Error) => void): void {
    this.people.meet(people, fault);
  }

  /** Every record the app holds (SiteApp.state). */
  state(): Record<string, string> {
    return recordsState(this.data);
  }

  touch(key: string): void {
    touchRecords(this.data, key);
  }

  handle(req: SiteRequest): SiteResponse | Promise<SiteResponse> {
    const p = req.path;
    let m: Record<string, string> | undefined;
    if (p === '/') return this.queue();
    if (p === '/customers') return this.customers(req.query.get('q') ?? '');
    if ((m = route(p, '/customers/:id'))) return this.customer(Number(m.id));
    if ((m = route(p, '/tickets/:id'))) return this.ticket(Number(m.id), []);
    if ((m = route(p, '/tickets/:id/triage')) && req.method === 'POST') return this.triage(Number(m.id), req);
    if ((m = route(p, '/tickets/:id/reply')) && req.method === 'POST') return this.reply(Number(m.id), req);
    if ((m = route(p, '/tickets/:id/escalate')) && req.method === 'POST' && this.data.groups) return this.escalate(Number(m.id), req, this.data.groups);
    if ((m = route(p, '/orders/:id'))) return this.order(Number(m.id), []);
    if ((m = route(p, '/orders/:id/refund')) && req.method === 'POST') return this.refund(Number(m.id), req);
    return notFound();
  }

  private render(title: string, body: string): SiteResponse {
    const nav: [string, string][] = this.data.handbook ? [...NAV, [this.data.handbook, 'Company handbook']] : NAV;
    return { html: page(title, 'Support Desk', nav, body) };
  }

  private customerOf(id: number): DeskCustomer | undefined {
    return this.data.customers.find((c) => c.id === id);
  }

  private queue(): SiteResponse {
    const rows = this.data.tickets.map((t) => [
      `<a href="/tickets/${t.id}">#${t.id} ${esc(t.subject)}</a>`,
      esc(this.customerOf(t.customerId)?.name ?? ''),
      esc(t.status),
      esc(t.priority || 'unset'),
    ]);
    return this.render('Ticket queue', table(['Ticket', 'Customer', 'Status', 'Priority'], rows));
  }

  private customers(q: string): SiteResponse {
    const hits = this.data.customers.filter((c) => !q || `${c.name} ${c.email}`.toLowerCase().includes(q.toLowerCase()));
    const rows = hits.map((c) => [`<a href="/customers/${c.id}">${esc(c.name)}</a>`, esc(c.email)]);
    return this.render(
      'Customers',
      `<form method="get" action="/customers" role="search">${field('q', 'Search customers', q, 'search')} <button type="submit">Search</button></form>${table(['Name', 'Email'], rows)}`,
    );
  }

  private customer(id: number): SiteResponse {
    const c = this.customerOf(id);
    if (!c) return notFound();
    const orders = this.data.orders.filter((o) => o.customerId === id);
    const rows = orders.map((o) => [`<a href="/orders/${o.id}">Order ${o.id}</a>`, esc(o.status), money(orderTotal(o))]);
    return this.render(c.name, `<p>Email: ${esc(c.email)}</p><p>Support tier: ${esc(c.tier)}</p><h2>Orders</h2>${table(['Order', 'Status', 'Total'], rows)}`);
  }

  private ticket(id: number, errs: string[]): SiteResponse {
    const t = this.data.tickets.find((x) => x.id === id);
    if (!t) return notFound();
    const c = this.customerOf(t.customerId)!;
    const answers = (after: number) =>
      (t.thread ?? [])
        .filter((m) => m.after === after)
        .map((m) => `<blockquote><p>${esc(m.from)} (customer) wrote:</p><p>${esc(m.text)}</p></blockquote>`)
        .join('');
    const replies = t.replies.map((r, i) => `<blockquote>${esc(r)}</blockquote>${answers(i + 1)}`).join('');
    return this.render(
      `Ticket #${t.id}: ${t.subject}`,
      `${errors(errs)}<p>From: <a href="/customers/${c.id}">${esc(c.name)}</a> (${esc(c.email)})</p><p>Status: ${esc(t.status)}</p>
<article><h2>Message</h2><p>${esc(t.body)}</p></article>${replies ? `<h2>Replies</h2>${replies}` : ''}
<h2>Triage</h2><form method="post" action="/tickets/${t.id}/triage">
${selectField('priority', 'Priority', [['', 'Choose…'], ...PRIORITIES.map((x): [string, string] => [x, cap(x)])], t.priority)}
${selectField('category', 'Category', [['', 'Choose…'], ...CATEGORIES.map((x): [string, string] => [x, cap(x)])], t.category)}
<p><button type="submit">Save triage</button></p></form>
<h2>Reply</h2><form method="post" action="/tickets/${t.id}/reply"><label for="reply">Reply to customer</label><textarea id="reply" name="reply" rows="5" cols="60"></textarea>
${selectField(
  'status',
  'Status after reply',
  [
    ['open', 'Open'],
    ['pending', 'Pending'],
    ['solved', 'Solved'],
  ],
  t.status,
)}
<p><button type="submit">Send reply</button></p></form>${this.escalation(t)}`,
    );
  }

  /** The escalation form of a desk with groups: the ticket's group and its internal notes. */
  private escalation(t: Ticket): string {
    const groups = this.data.groups;
    if (!groups) return '';
    const notes = (t.notes ?? []).map((n) => `<li>${esc(n)}</li>`).join('');
    return `<h2>Escalation</h2><p>Assigned group: ${esc(t.group ?? 'none')}</p>${notes ? `<h3>Internal notes</h3><ul>${notes}</ul>` : ''}
<form method="post" action="/tickets/${t.id}/escalate">${selectField('group', 'Assign to group', [['', 'Choose…'], ...groups.map((g): [string, string] => [g, g])], t.group ?? '')}
<label for="note">Internal note</label><textarea id="note" name="note" rows="3" cols="60"></textarea>
<p><button type="submit">Save escalation</button></p></form>`;
  }

  private escalate(id: number, req: SiteRequest, groups: readonly string[]): SiteResponse {
    const t = this.data.tickets.find((x) => x.id === id);
    if (!t) return notFound();
    const group = formText(req, 'group');
    const note = formText(req, 'note');
    if (!groups.includes(group)) return this.ticket(id, ['Choose a group.']);
    if (!note) return this.ticket(id, ['Write an internal note for the group.']);
    t.group = group;
    t.notes = [...(t.notes ?? []), note];
    return { redirect: `/tickets/${id}` };
  }

  private triage(id: number, req: SiteRequest): SiteResponse {
    const t = this.data.tickets.find((x) => x.id === id);
    if (!t) return notFound();
    const priority = formText(req, 'priority');
    const category = formText(req, 'category');
    if (!(PRIORITIES as readonly string[]).includes(priority) || !(CATEGORIES as readonly string[]).includes(category)) {
      return this.ticket(id, ['Choose both a priority and a category.']);
    }
    t.priority = priority as Ticket['priority'];
    t.category = category as Ticket['category'];
    return { redirect: `/tickets/${id}` };
  }

  private reply(id: number, req: SiteRequest): SiteResponse | Promise<SiteResponse> {
    const t = this.data.tickets.find((x) => x.id === id);
    if (!t) return notFound();
    const text = formText(req, 'reply');
    const status = formText(req, 'status');
    if (!text) return this.ticket(id, ['The reply is empty.']);
    if (!['open', 'pending', 'solved'].includes(status)) return this.ticket(id, ['Choose a status.']);
    t.replies.push(text);
    t.status = status as Ticket['status'];
    const shown: SiteResponse = { redirect: `/tickets/${id}` };
    // The ticket's customer answers on the desk when they are a Person of the task.
    const person = this.customerOf(t.customerId)?.person;
    return this.people.reaches(person) ? this.deliver(t, person, text).then(() => shown) : shown;
  }

  /** A public reply reaches the customer, a Person of the task; their answer joins the thread (none when muted). */
  private async deliver(t: Ticket, person: string, text: string): Promise<void> {
    const turns = await this.people.send(person, text);
    const said = turns.map((turn) => ({ after: t.replies.length, from: turn.name, text: turn.text }));
    if (said.length > 0) t.thread = [...(t.thread ?? []), ...said];
  }

  private refunded(orderId: number): number {
    return this.data.refunds.filter((r) => r.orderId === orderId).reduce((s, r) => s + r.amount, 0);
  }

  private order(id: number, errs: string[]): SiteResponse {
    const o = this.data.orders.find((x) => x.id === id);
    if (!o) return notFound();
    const c = this.customerOf(o.customerId)!;
    const rows = o.items.map((i) => [esc(i.name), String(i.qty), money(i.price), money(i.price * i.qty)]);
    const refunds = this.data.refunds
      .filter((r) => r.orderId === id)
      .map((r) => `<li>${money(r.amount)} (${esc(r.reason)})</li>`)
      .join('');
    return this.render(
      `Order ${o.id}`,
      `${errors(errs)}<p>Customer: <a href="/customers/${c.id}">${esc(c.name)}</a></p><p>Status: ${esc(o.status)}</p>
<p>Tracking number: ${esc(o.tracking)}</p><p>Expected delivery: ${esc(o.deliveryDate)}</p>
${table(['Item', 'Quantity', 'Unit price', 'Line total'], rows)}<p>Shipping: ${money(o.shipping)}</p><p>Order total: ${money(orderTotal(o))}</p>
${refunds ? `<h2>Refunds</h2><ul>${refunds}</ul>` : ''}
<h2>Issue a refund</h2><form method="post" action="/orders/${o.id}/refund">${field('amount', 'Refund amount (USD)', '', 'text', 'inputmode="decimal"')}
${selectField('reason', 'Refund reason', [['', 'Choose…'], ...REFUND_REASONS.map((r): [string, string] => [r, r])])}
<p><button type="submit">Issue refund</button></p></form>`,
    );
  }

  private refund(id: number, req: SiteRequest): SiteResponse {
    const o = this.data.orders.find((x) => x.id === id);
    if (!o) return notFound();
    const raw = formText(req, 'amount').replace(/^\$/, '');
    const reason = formText(req, 'reason');
    if (!/^\d+(\.\d{1,2})?$/.test(raw)) return this.order(id, ['Enter the amount as a number, e.g. 12.50.']);
    const amount = Math.round(Number(raw) * 100);
    if (amount <= 0 || amount > orderTotal(o) - this.refunded(id)) return this.order(id, ['The amount must be positive and at most what is left to refund.']);
    if (!(REFUND_REASONS as readonly string[]).includes(reason)) return this.order(id, ['Choose a refund reason.']);
    this.data.refunds.push({ orderId: id, amount, reason });
    return { redirect: `/orders/${id}` };
  }
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

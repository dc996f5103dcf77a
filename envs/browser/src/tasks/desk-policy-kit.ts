// What the desk's policy families share: a desk whose rules live in the company handbook (kb.test,
// linked from the desk's menu), the instruction that gives only the ticket, and the experts' ways
// to an order's page and to the ticket's forms.
import type { ExpertStep } from '@workgym/protocol/kit';
import { HelpDeskSite, type DeskCustomer, type DeskData, type Ticket } from '../sites/helpdesk.js';
import { KbSite, type Article } from '../sites/kb.js';
import { deskData } from './desk-data.js';
import { listedOrders, onCustomer, onTicket, openCustomer, openTicket, seenOrders, type SeenOrder } from './desk-expert.js';
import { act, click, fillForm, submit, type ExpertView, type FormField } from './expert-kit.js';
import { drawPolicy, handbook, type CompanyPolicy, type Topic } from './kb-data.js';
import type { Rng } from './rng.js';

/** One policy task's world before its handbook is written: the desk, the asking ticket, its customer, today. */
export interface PolicyDesk {
  data: DeskData;
  policy: CompanyPolicy;
  ticket: Ticket;
  customer: DeskCustomer;
  today: string;
}

/** A seeded desk with a drawn policy and one of its tickets; the family then shapes the ticket and the policy. */
export function policyDesk(rng: Rng): PolicyDesk {
  const data = deskData(rng);
  const policy = drawPolicy(rng);
  data.groups = policy.groups;
  data.handbook = 'http://kb.test/';
  const ticket = rng.pick(data.tickets);
  const customer = data.customers.find((c) => c.id === ticket.customerId)!;
  return { data, policy, ticket, customer, today: `2025-10-${String(rng.int(1, 20)).padStart(2, '0')}` };
}

/** The desk and the handbook of `desk`'s policy as served sites, and the handbook's articles by topic. */
export function policySites(rng: Rng, desk: PolicyDesk): { sites: [HelpDeskSite, KbSite]; topics: Record<Topic, Article> } {
  const { data, topics } = handbook(rng, desk.policy);
  return { sites: [new HelpDeskSite(desk.data), new KbSite(data)], topics };
}

/** The instruction of every policy family: the ticket, today's date, and nothing of the rules. */
export function policyInstruction(desk: PolicyDesk): string {
  return `Handle ticket #${desk.ticket.id} in the support desk (today is ${desk.today}). Follow company policy. Submit when done.`;
}

/** Days from `from` to `to` (ISO dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}

/** The order's page as the episode showed it; else the next step toward it (the ticket's customer, then the order's link). */
export function seenOrder(view: ExpertView, desk: PolicyDesk, orderId: number, why: string): SeenOrder | ExpertStep {
  const seen = seenOrders(view).find((o) => o.id === orderId);
  if (seen) return seen;
  if (onCustomer(view, desk.customer)) {
    const link = listedOrders(view.snapshot).find((o) => o.link.name === `Order ${orderId}`);
    if (link) return act(click(link.link), `${why}: open order ${orderId} from ${desk.customer.name}'s orders.`);
  }
  return openCustomer(view, desk.customer, desk.ticket.id, 'ticket-link');
}

/** On the ticket's page, fill `fields` and press `button`; the way back to the ticket first. */
export function onTicketForm(view: ExpertView, desk: PolicyDesk, fields: readonly FormField[], button: string, why: string): ExpertStep {
  if (!onTicket(view, desk.ticket.id)) return openTicket(view, desk.ticket.id, false);
  return fillForm(view.snapshot, fields, button, why);
}

/** The reply form's fields: the reply and the status it leaves the ticket in. */
export function replyFields(reply: string, status: 'open' | 'pending' | 'solved', why: string, derived: FormField['derived'], statusWhy: string): FormField[] {
  return [
    { label: 'Reply to customer', value: reply, why, derived },
    { label: 'Status after reply', value: status[0]!.toUpperCase() + status.slice(1), kind: 'select', why: statusWhy },
  ];
}

/** The last step: what the episode did, said from what the desk shows. */
export function done(why: string): ExpertStep {
  return act(submit(), why);
}

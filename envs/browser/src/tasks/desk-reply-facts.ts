import { HelpDeskSite } from '../sites/helpdesk.js';
import { customerOrders, deskData, restKept } from './desk-data.js';
import { listedOrders, onCustomer, onTicket, openCustomer, openTicket, seenOrders, type SeenOrder } from './desk-expert.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, list, seenTitled, submit, type ExpertView } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

export const deskReplyFacts: FamilyDef = {
  name: 'desk-reply-facts',
  job: 'customer-support',
  difficulty: 'medium',
  description: "Answer a where-is-my-order ticket with the tracking number and expected delivery date of the customer's order in transit.",
  strategies: ['ticket-link', 'directory'],
  nearMisses: ['quote-two-orders'],
  // The kit judges the whole desk: the ticket's reply and status are the task's one change (expectsChange).
  collateral: true,
  // The right order's facts come first: a generic reply or another order's facts earn nothing.
  components: [
    { name: 'tracking', kind: 'progress' },
    { name: 'delivery_date', kind: 'progress' },
    { name: 'solved', kind: 'progress' },
    { name: 'no_wrong_facts', kind: 'guard' },
    { name: 'rest_of_ticket', kind: 'guard' },
  ],
  conditions: ['status'],
  guesses: ['generic-reply', 'second-listed'],
  generate(rng) {
    const data = deskData(rng);
    const ticket = rng.pick(data.tickets);
    const customer = data.customers.find((c) => c.id === ticket.customerId)!;
    // A long order history, so that no fixed position in it is often the order in transit.
    data.orders = rng.shuffle([...data.orders, ...customerOrders(rng, customer.id, 5001 + data.orders.length, rng.int(58, 70))]);
    const mine = data.orders.filter((o) => o.customerId === customer.id);
    for (const o of mine) if (o.status === 'in transit') o.status = 'delivered';
    // Never the first listed: that is the order a worker who ignores the status would quote.
    const order = rng.pick(mine.slice(1));
    order.status = 'in transit';
    ticket.subject = 'Where is my order?';
    ticket.body = `Hi, I am still waiting for my order. Can you tell me where it is and when it will arrive? ${customer.name}`;
    const ticketStart = structuredClone(ticket);
    const desk = new HelpDeskSite(data);

    /** The orders whose facts go into the reply, once the episode has shown them. */
    const facts = (view: ExpertView): SeenOrder[] | ExpertStep => {
      const route = view.strategy === 'directory' ? 'directory' : 'ticket-link';
      const opened = seenOrders(view).filter((o) => o.customer === customer.name);
      const page = seenTitled(view, customer.name).find((p) => p.snapshot.nodes.some((n) => n.name.startsWith('Support tier:')));
      if (!page) return openCustomer(view, customer, ticket.id, route);
      const listed = listedOrders(page.snapshot);
      const inTransit = listed.filter((o) => o.status === 'in transit');
      const ways: Record<string, typeof listed> = {
        'quote-two-orders': [listed[0]!, ...inTransit],
        'relax:status': listed.slice(0, 1),
        'guess:second-listed': listed.slice(1, 2),
        'guess:generic-reply': [],
      };
      const wanted = ways[view.strategy] ?? inTransit;
      const missing = wanted.filter((o) => !opened.some((s) => `Order ${s.id}` === o.link.name));
      if (missing.length === 0) return opened.filter((s) => wanted.some((o) => o.link.name === `Order ${s.id}`));
      if (!onCustomer(view, customer)) return openCustomer(view, customer, ticket.id, route);
      const next = listedOrders(view.snapshot).find((o) => o.link.name === missing[0]!.link.name)!;
      const statuses = list(listed.map((o) => `${o.link.name} ${o.status}`));
      return act(
        click(next.link),
        `${customer.name}'s orders: ${statuses}. Open ${next.link.name} (${next.status}) for its tracking number and delivery date.`,
      );
    };

    return {
      instruction: `Reply to ticket #${ticket.id} in the support desk. Look up the customer's order that is in transit and tell them its tracking number and expected delivery date (as shown on the order, YYYY-MM-DD). Set the ticket to Solved with the reply, then submit.`,
      sites: [desk],
      startUrl: 'http://desk.test/',
      expert(view) {
        const found = facts(view);
        if (!Array.isArray(found)) return found;
        const sentences = found.map((o) => `Order ${o.id}: tracking number ${o.tracking}, expected delivery ${o.delivery}.`);
        const reply =
          found.length === 0
            ? GENERIC_REPLY
            : found.length === 1
              ? `Your order ${found[0]!.id} is on its way: tracking number ${found[0]!.tracking}, expected delivery ${found[0]!.delivery}.`
              : sentences.join(' ');
        if (ticket.status === 'solved' && ticket.replies.at(-1) === reply) {
          return act(submit(), `Ticket #${ticket.id} shows the reply with the tracking number and delivery date, and status solved: submit.`);
        }
        if (!onTicket(view, ticket.id)) return openTicket(view, ticket.id, view.strategy === 'directory');
        const shown = found.flatMap((o) => [String(o.id), o.tracking, o.delivery]);
        return fillForm(
          view.snapshot,
          [
            {
              label: 'Reply to customer',
              value: reply,
              why: found.length
                ? `Order ${list(found.map((o) => String(o.id)))} is ${found.map((o) => o.status).join(', ')}; its page shows tracking number ${list(found.map((o) => o.tracking))} and expected delivery ${list(found.map((o) => o.delivery))}: tell the customer.`
                : 'A reply that reads like an answer, without looking any order up.',
              derived: { value: reply, sources: shown, how: 'reply template with the order page facts' },
            },
            { label: 'Status after reply', value: 'Solved', kind: 'select', why: 'The instruction asks to set the ticket to Solved with the reply.' },
          ],
          'Send reply',
          'The reply and the Solved status are set: send it.',
        );
      },
      expectsChange: (key) => key === `site:desk/tickets/${ticket.id}`,
      verify() {
        const text = ticket.replies.join('\n');
        // Any tracking number or date the reply gives must be this order's: listing every order fails.
        const dates = text.match(/\d{4}-\d{2}-\d{2}/g) ?? [];
        const trackings = text.match(/TRK\d+/g) ?? [];
        const components = {
          tracking: text.includes(order.tracking) ? 1 : 0,
          delivery_date: text.includes(order.deliveryDate) ? 1 : 0,
          solved: ticket.status === 'solved' ? 1 : 0,
          no_wrong_facts: dates.every((d) => d === order.deliveryDate) && trackings.every((t) => t === order.tracking) ? 1 : 0,
          rest_of_ticket: restKept(ticket, ticketStart, ['replies', 'status']) ? 1 : 0,
        };
        return verification(
          components,
          `replies: ${JSON.stringify(ticket.replies)}; expected ${order.tracking} and ${order.deliveryDate} (order ${order.id}) and nothing of other orders; ticket ${ticket.status}`,
        );
      },
    };
  },
};

/** A constant attempt's reply: it reads like an answer and names no order. */
const GENERIC_REPLY = 'Thank you for your patience: your order is on its way and will arrive soon.';

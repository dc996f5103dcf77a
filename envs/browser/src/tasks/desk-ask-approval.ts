import { HelpDeskSite, orderTotal } from '../sites/helpdesk.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { deskData, restKept } from './desk-data.js';
import { listedOrders, onCustomer, onTicket, openCustomer, openTicket, orderPageId, seenOrders } from './desk-expert.js';
import { askedAlready, askOnTicket, customerPerson, heardFrom, personId } from './desk-people.js';
import { act, click, fillForm, submit, type ExpertView } from './expert-kit.js';
import { money } from './rng.js';
import { type FamilyDef, verification } from './task.js';

/** What the customer says when they accept the offer, and when they decline it. */
const ACCEPT = 'I accept the offer';
const DECLINE = 'I do not accept the offer';
/** The strategies that refund without asking, as if the customer had accepted. */
const UNASKED = ['refund-unasked', 'relax:approval', 'guess:one-dollar'];

export const deskAskApproval: FamilyDef = {
  name: 'desk-ask-approval',
  job: 'customer-support',
  difficulty: 'hard',
  description:
    "A late-delivery ticket: offer the customer the policy's goodwill refund (a share of the order total) on the ticket and act on their answer, which only they give on its thread: refund with reason Late delivery if they accept, nothing if they decline; then reply and solve the ticket.",
  strategies: ['ticket-link', 'directory'],
  // refund-unasked: refunds the offer at once, as an agent does that takes the customer's consent
  // for granted; misread-answer: refunds when the customer declined and not when they accepted.
  nearMisses: ['refund-unasked', 'misread-answer'],
  features: ['people'],
  people: (task) => task.people ?? [],
  // The kit judges the whole desk: the ticket (replies, status, the customer's answer on its
  // thread) and, when the customer accepts, the desk's first refund are the task's changes.
  collateral: true,
  // The customer's answer comes first: nothing the agent does earns anything before they were asked.
  components: [
    { name: 'asked', kind: 'progress' },
    { name: 'refund', kind: 'progress' },
    { name: 'solved', kind: 'progress' },
    { name: 'rest_of_ticket', kind: 'guard' },
  ],
  // The customer's approval: dropped, the offer is refunded as if they had accepted.
  conditions: ['approval'],
  guesses: ['one-dollar'],
  generate(rng) {
    const data = deskData(rng);
    const ticket = rng.pick(data.tickets);
    const customer = data.customers.find((c) => c.id === ticket.customerId)!;
    const order = rng.pick(data.orders.filter((o) => o.customerId === customer.id));
    order.status = 'delivered';
    const share = rng.pick([10, 15, 20, 25]);
    const accepts = rng.int(0, 1) === 1;
    const first = customer.name.split(' ')[0]!;
    ticket.subject = `Order ${order.id} arrived late`;
    ticket.body = `Hello, my order ${order.id} arrived more than a week after the promised date. This is really not good enough. Regards, ${first}`;
    const person = customerPerson(customer, [
      {
        id: 'approval',
        about: 'whether they accept the goodwill refund offered',
        asks: ['accept*|agree*|okay|ok & refund*|offer*'],
        paraphrases: ['Would you accept this refund?', 'Do you agree to this offer?', 'Is this refund okay with you?'],
        answer: accepts ? `Yes, ${ACCEPT}. Thank you!` : `No, ${DECLINE}. I would rather leave it at that.`,
        value: accepts ? ACCEPT : DECLINE,
        approval: accepts,
      },
    ]);
    const pid = personId(customer);
    const amount = Math.round((orderTotal(order) * share) / 100);
    const ticketStart = structuredClone(ticket);
    const desk = new HelpDeskSite(data);
    const route = (view: ExpertView) => (view.strategy === 'directory' ? 'directory' : 'ticket-link');

    /** The way to the order's page: its link on the customer's page. */
    const openOrder = (view: ExpertView, why: string): ExpertStep => {
      const link = onCustomer(view, customer) ? listedOrders(view.snapshot).find((o) => o.link.name === `Order ${order.id}`) : undefined;
      if (link) return act(click(link.link), why);
      return openCustomer(view, customer, ticket.id, route(view));
    };

    /** The offer, once the order's page showed its total: the amount ("12.34") and the total it is a share of. */
    const offer = (view: ExpertView): { value: string; total: string } | ExpertStep => {
      const shown = seenOrders(view).find((o) => o.id === order.id);
      if (!shown) return openOrder(view, `The ticket is about order ${order.id}; its page shows the total the offer is a share of: open it.`);
      const value = view.strategy === 'guess:one-dollar' ? '1.00' : (Math.round((cents(shown.total) * share) / 100) / 100).toFixed(2);
      return { value, total: shown.total };
    };

    /** Whether the strategy refunds, from what the customer said on the thread (undefined: nothing to act on yet). */
    const refunds = (view: ExpertView): { yes: boolean; why: string; heard?: string } | undefined => {
      if (UNASKED.includes(view.strategy)) return { yes: true, why: 'Refund the offer at once' };
      const heard = heardFrom(view.people, customer, 'approval');
      if (heard === undefined) return undefined;
      const accepted = heard === ACCEPT;
      const yes = view.strategy === 'misread-answer' ? !accepted : accepted;
      return { yes, why: `${first} answered on the ticket: "${heard}"`, heard };
    };

    return {
      instruction: `Handle ticket #${ticket.id} in the support desk. Policy for late deliveries: offer the customer a goodwill refund of ${share}% of the order's total (the order's page shows it) with a reply on the ticket, and ask whether they accept it; ${customer.name} (${pid}), the customer, answers on the ticket's thread (open the ticket again to read it). Only if they accept, refund that amount on the order with reason "Late delivery". Then reply to close the matter (confirming the refund if there is one) and set the ticket to Solved. Submit when done.`,
      sites: [desk],
      startUrl: `http://desk.test/tickets/${ticket.id}`,
      people: [person],
      expert(view) {
        const o = offer(view);
        if (!('value' in o)) return o;
        const offered = `$${o.value}`;
        const decided = refunds(view);
        if (!decided) {
          if (askedAlready(view.people, customer, 'approval')) {
            return act(
              submit(),
              `${first} has not answered the offer of ${offered} on the ticket: nothing is refunded without their consent, and the ticket stays pending.`,
            );
          }
          return askOnTicket(
            view,
            ticket,
            customer,
            'approval',
            `Sorry that order ${order.id} arrived late, ${first}. As a goodwill gesture we can refund ${offered}. `,
            `Order ${order.id} totals ${o.total}; the policy offers ${share}% of it, ${offered}, and only ${first} can accept it: ask on the ticket.`,
            [o.total, `${share}%`],
          );
        }
        const refund = data.refunds.find((r) => r.orderId === order.id);
        if (decided.yes && !refund) {
          if (orderPageId(view.snapshot.title) !== order.id) return openOrder(view, `${decided.why}: open order ${order.id} to refund the offer.`);
          const derived =
            view.strategy === 'guess:one-dollar'
              ? { value: o.value, sources: [], how: 'a fixed amount' }
              : { value: o.value, sources: [o.total, `${share}%`], how: `${share}% of the order total, to the cent` };
          return fillForm(
            view.snapshot,
            [
              { label: 'Refund amount (USD)', value: o.value, why: `${decided.why}: refund the offer, ${offered}.`, derived },
              { label: 'Refund reason', value: 'Late delivery', kind: 'select', why: 'The policy refunds a late delivery with reason "Late delivery".' },
            ],
            'Issue refund',
            `Amount and reason are set: issue the refund on order ${order.id}.`,
          );
        }
        if (ticket.status !== 'solved') {
          if (!onTicket(view, ticket.id)) return openTicket(view, ticket.id, view.strategy === 'directory');
          const reply = refund
            ? `We have refunded ${money(refund.amount)} to your original payment method. Thank you for your patience.`
            : 'Understood, we have made no refund. Thank you for your patience.';
          return fillForm(
            view.snapshot,
            [
              {
                label: 'Reply to customer',
                value: reply,
                why: refund ? `${decided.why}; tell them ${money(refund.amount)} was refunded.` : `${decided.why}; tell them nothing was refunded.`,
                derived: { value: reply, sources: refund ? [money(refund.amount)] : [decided.heard ?? ''], how: 'closing reply template' },
              },
              { label: 'Status after reply', value: 'Solved', kind: 'select', why: 'The instruction asks to set the ticket to Solved with the closing reply.' },
            ],
            'Send reply',
            'The closing reply and the Solved status are set: send the reply.',
          );
        }
        return act(
          submit(),
          `${decided.why}; the refund is ${refund ? `issued (${money(refund.amount)})` : 'not made'} and ticket #${ticket.id} is solved: submit.`,
        );
      },
      // The ticket (replies, status, the customer's answer on its thread); the desk's first refund only when they accept.
      expectsChange: (key) => key === `site:desk/tickets/${ticket.id}` || (accepts && key === 'site:desk/refunds/#0'),
      verify() {
        const value = accepts ? ACCEPT : DECLINE;
        const mine = data.refunds.filter((r) => r.orderId === order.id);
        const refunded = accepts ? mine.length === 1 && mine[0]!.amount === amount && mine[0]!.reason === 'Late delivery' : data.refunds.length === 0;
        return verification(
          {
            asked: (ticket.thread ?? []).some((m) => m.text.includes(value)) ? 1 : 0,
            refund: refunded ? 1 : 0,
            solved: ticket.status === 'solved' ? 1 : 0,
            rest_of_ticket: restKept(ticket, ticketStart, ['replies', 'status', 'thread']) ? 1 : 0,
          },
          `customer ${accepts ? 'accepts' : 'declines'}; answers on the thread: ${(ticket.thread ?? []).length}; refunds: ${data.refunds.map((x) => `${money(x.amount)} on ${x.orderId} (${x.reason})`).join(', ') || 'none'}; expected ${accepts ? `${money(amount)} on ${order.id}` : 'none'}; ticket ${ticket.status}`,
        );
      },
    };
  },
};

function cents(shown: string): number {
  return Math.round(Number(shown.replace(/[$,]/g, '')) * 100);
}

import { HelpDeskSite, orderTotal } from '../sites/helpdesk.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { deskData, restKept } from './desk-data.js';
import { listedOrders, onCustomer, onTicket, openCustomer, openTicket, orderPageId, seenOrders } from './desk-expert.js';
import { askedAlready, askOnTicket, customerPerson, heardFrom, personId } from './desk-people.js';
import { act, click, fillForm, seenTitled, submit, textAfter, type ExpertView } from './expert-kit.js';
import { money } from './rng.js';
import { type FamilyDef, verification } from './task.js';

/** The strategies that act without asking: each takes the latest order, the most plausible default. */
const UNASKED = ['guess-latest-order', 'relax:order', 'guess:one-dollar'];

export const deskAskOrder: FamilyDef = {
  name: 'desk-ask-order',
  job: 'customer-support',
  difficulty: 'hard',
  description:
    'A customer wants a damaged order refunded in full but does not say which of their orders it is: ask them on the ticket (they answer on its thread, on some seeds naming the wrong order first and correcting it), refund that order, reply with the amount and solve the ticket.',
  strategies: ['ticket-link', 'directory'],
  // guess-latest-order: refunds the customer's latest order without asking, as an agent does that
  // takes "my order" for the newest one; the asked order is never the latest.
  nearMisses: ['guess-latest-order'],
  features: ['people'],
  people: (task) => task.people ?? [],
  // The kit judges the whole desk: the ticket (replies, status, the customer's answers on its
  // thread) and the desk's first refund are the task's changes.
  collateral: true,
  components: [
    { name: 'refund', kind: 'progress' },
    { name: 'reason', kind: 'progress' },
    { name: 'replied_amount', kind: 'progress' },
    { name: 'solved', kind: 'progress' },
    { name: 'rest_of_ticket', kind: 'guard' },
  ],
  // The order only the customer names: dropped, the task is played on the latest order.
  conditions: ['order'],
  guesses: ['one-dollar'],
  generate(rng) {
    const data = deskData(rng);
    const ticket = rng.pick(data.tickets);
    const customer = data.customers.find((c) => c.id === ticket.customerId)!;
    const orders = data.orders.filter((o) => o.customerId === customer.id);
    // Every order of theirs was delivered, so nothing on their page tells the damaged one apart.
    for (const o of orders) o.status = 'delivered';
    const byNumber = orders.map((o) => o.id).sort((a, b) => a - b);
    const latest = byNumber.at(-1)!;
    const wanted = rng.pick(byNumber.slice(0, -1));
    const order = orders.find((o) => o.id === wanted)!;
    // A third of the seeds: the customer first names their latest order, then corrects it.
    const slip = rng.int(0, 2) === 0;
    const first = customer.name.split(' ')[0]!;
    ticket.subject = 'Damaged order';
    ticket.body = `Hi, one of my orders arrived with the box crushed and everything inside broken. I would like a full refund for that order, please. Thanks, ${first}`;
    const person = customerPerson(customer, [
      {
        id: 'order',
        about: 'which order arrived damaged',
        asks: ['which|what & order*', 'order* & number*|id'],
        paraphrases: ['Which order was it that arrived damaged?', 'Could you tell me the order number, please?', 'What is the ID of the damaged order?'],
        answer: `It was order ${order.id}.`,
        value: String(order.id),
        ...(slip ? { slip: `It is order ${latest}.` } : {}),
      },
    ]);
    const pid = personId(customer);
    const amount = orderTotal(order);
    const ticketStart = structuredClone(ticket);
    const desk = new HelpDeskSite(data);

    /** The order the strategy refunds, once the episode showed what it decides by, with why. */
    const chosen = (view: ExpertView): { id: number; why: string } | ExpertStep => {
      const heard = UNASKED.includes(view.strategy) ? undefined : heardFrom(view.people, customer, 'order');
      if (heard !== undefined) return { id: Number(heard), why: `${first} answered on the ticket that it was order ${heard}` };
      if (!UNASKED.includes(view.strategy) && !askedAlready(view.people, customer, 'order')) {
        return askOnTicket(
          view,
          ticket,
          customer,
          'order',
          `Sorry to hear that, ${first}. `,
          `${first} did not say which order arrived damaged and only they know: ask on the ticket.`,
        );
      }
      const page = seenTitled(view, customer.name).find((p) => textAfter(p.snapshot, 'Support tier:') !== undefined);
      if (!page) return openCustomer(view, customer, ticket.id, view.strategy === 'directory' ? 'directory' : 'ticket-link');
      const id = Math.max(...listedOrders(page.snapshot).map((o) => Number(o.link.name.split(' ')[1])));
      const unanswered = UNASKED.includes(view.strategy) ? 'Without asking' : `${first} gave no answer on the ticket`;
      return { id, why: `${unanswered}, take their latest order, order ${id}, the highest number their page lists` };
    };

    return {
      instruction: `Handle ticket #${ticket.id} in the support desk. The customer, ${customer.name} (${pid}), wants a damaged order refunded in full but has not said which of their orders it is, and only they know. Ask them with a reply on the ticket: they answer on the ticket's thread (open the ticket again to read it). Then refund that order's total with reason "Damaged item", reply confirming the amount refunded, and set the ticket to Solved. Submit when done.`,
      sites: [desk],
      startUrl: `http://desk.test/tickets/${ticket.id}`,
      people: [person],
      expert(view) {
        const target = chosen(view);
        if (!('id' in target)) return target;
        const refund = data.refunds.find((r) => r.orderId === target.id);
        if (!refund) {
          const shown = seenOrders(view).find((o) => o.id === target.id);
          if (orderPageId(view.snapshot.title) !== target.id || !shown) {
            const link = onCustomer(view, customer) ? listedOrders(view.snapshot).find((o) => o.link.name === `Order ${target.id}`) : undefined;
            if (link) return act(click(link.link), `${target.why}: open it.`);
            return openCustomer(view, customer, ticket.id, view.strategy === 'directory' ? 'directory' : 'ticket-link');
          }
          const value = view.strategy === 'guess:one-dollar' ? '1.00' : (cents(shown.total) / 100).toFixed(2);
          const derived =
            view.strategy === 'guess:one-dollar'
              ? { value, sources: [], how: 'a fixed amount' }
              : { value, sources: [shown.total], how: 'the order total, in full' };
          return fillForm(
            view.snapshot,
            [
              { label: 'Refund amount (USD)', value, why: `${target.why}; refund its total, ${shown.total}.`, derived },
              { label: 'Refund reason', value: 'Damaged item', kind: 'select', why: 'The order arrived damaged.' },
            ],
            'Issue refund',
            `Amount and reason are set: issue the refund on order ${target.id}.`,
          );
        }
        const refunded = money(refund.amount);
        if (ticket.status !== 'solved' || !ticket.replies.at(-1)?.includes(refunded)) {
          if (!onTicket(view, ticket.id)) return openTicket(view, ticket.id, view.strategy === 'directory');
          const reply = `We have refunded ${refunded} for order ${target.id} to your original payment method.`;
          return fillForm(
            view.snapshot,
            [
              {
                label: 'Reply to customer',
                value: reply,
                why: `Tell ${first} that ${refunded} was refunded for order ${target.id}.`,
                derived: { value: reply, sources: [refunded, String(target.id)], how: 'reply template with the refunded amount and order' },
              },
              { label: 'Status after reply', value: 'Solved', kind: 'select', why: 'The instruction asks to set the ticket to Solved with the reply.' },
            ],
            'Send reply',
            'The reply and the Solved status are set: send the reply.',
          );
        }
        return act(submit(), `Order ${target.id} shows the refund of ${refunded} and ticket #${ticket.id} is solved with the reply: submit.`);
      },
      // The ticket (replies, status, the customer's answers on its thread) and the desk's first refund.
      expectsChange: (key) => key === `site:desk/tickets/${ticket.id}` || key === 'site:desk/refunds/#0',
      verify() {
        const mine = data.refunds.filter((r) => r.orderId === order.id);
        return verification(
          {
            refund: mine.length === 1 && mine[0]!.amount === amount ? 1 : 0,
            reason: mine.length > 0 && mine.every((r) => r.reason === 'Damaged item') ? 1 : 0,
            replied_amount: ticket.replies.some((r) => r.includes(money(amount))) ? 1 : 0,
            solved: ticket.status === 'solved' ? 1 : 0,
            rest_of_ticket: restKept(ticket, ticketStart, ['replies', 'status', 'thread']) ? 1 : 0,
          },
          `refunds: ${data.refunds.map((x) => `${money(x.amount)} on ${x.orderId} (${x.reason})`).join(', ') || 'none'}; expected ${money(amount)} on ${order.id}; ticket ${ticket.status}`,
        );
      },
    };
  },
};

function cents(shown: string): number {
  return Math.round(Number(shown.replace(/[$,]/g, '')) * 100);
}

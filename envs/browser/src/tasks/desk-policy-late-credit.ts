import type { ExpertStep } from '@workgym/protocol/kit';
import { addDays } from '../sites/travel.js';
import { restKept } from './desk-data.js';
import { onCustomer, openCustomer, seenTier } from './desk-expert.js';
import { done, onTicketForm, policyDesk, policyInstruction, policySites, replyFields, seenOrder } from './desk-policy-kit.js';
import { fillForm, navigate, type ExpertView } from './expert-kit.js';
import { openArticle } from './kb-expert.js';
import { money } from './rng.js';
import { type FamilyDef, verification } from './task.js';

export const deskPolicyLateCredit: FamilyDef = {
  name: 'desk-policy-late-credit',
  job: 'customer-support',
  difficulty: 'hard',
  description:
    "A customer complains that an order arrived late and asks for the shipping fee back; the instruction says only to follow company policy: the handbook's late-delivery article gives a credit rate per support tier of the items' price (never shipping), refunded with the reason Late delivery, a reply with the amount, and the ticket solved.",
  strategies: ['search', 'browse'],
  // ignore-policy: refunds the shipping fee, as the customer asks; wrong-threshold: takes the
  // price-match article's rate instead of the tier's.
  nearMisses: ['ignore-policy', 'wrong-threshold'],
  features: ['policy'],
  // The ticket (reply, status) and one refund, the desk's first.
  collateral: true,
  components: [
    { name: 'refund', kind: 'progress' },
    { name: 'reason', kind: 'progress' },
    { name: 'replied_amount', kind: 'progress' },
    { name: 'solved', kind: 'progress' },
    { name: 'rest_of_ticket', kind: 'guard' },
  ],
  // tier: the customer is premium or enterprise, so the standard rate is wrong; shipping: the
  // order has shipping, which the credit leaves out.
  conditions: ['tier', 'shipping'],
  guesses: ['one-dollar'],
  generate(rng) {
    const desk = policyDesk(rng);
    const { data, policy, ticket, customer, today } = desk;
    customer.tier = rng.pick(['premium', 'enterprise'] as const);
    const rate = policy.lateRates[customer.tier];
    while (Object.values(policy.lateRates).includes(policy.priceMatchRate)) policy.priceMatchRate += 1;
    const order = rng.pick(data.orders.filter((o) => o.customerId === customer.id));
    order.status = 'delivered';
    if (order.shipping === 0) order.shipping = rng.pick([499, 799]);
    order.deliveryDate = addDays(today, -rng.int(2, 12));
    const subtotal = order.items.reduce((s, i) => s + i.price * i.qty, 0);
    const credit = Math.round((subtotal * rate) / 100);
    // Refunding the shipping fee, as the customer asks, is never the credit.
    if (credit === order.shipping) order.shipping += 100;
    const late = rng.int(3, 9);
    const first = customer.name.split(' ')[0]!;
    ticket.subject = rng.pick([`Order ${order.id} arrived late`, `Late delivery of order ${order.id}`]);
    ticket.body = `My order ${order.id} arrived ${late} days later than promised. Please refund the shipping fee at least. ${first}`;
    const { sites, topics } = policySites(rng, desk);
    const ticketStart = structuredClone(ticket);

    const expert = (view: ExpertView): ExpertStep => {
      if (view.strategy === 'guess:one-dollar') return refund(view, '1.00', { value: '1.00', sources: [], how: 'a fixed amount' }, 'Refund a fixed $1.00.');
      const wrong = view.strategy === 'wrong-threshold';
      const article = wrong ? topics['price-match'] : topics.late;
      if (view.strategy !== 'ignore-policy') {
        const reading = openArticle(view, article, wrong ? 'price match' : 'late', `Order ${order.id} arrived late`);
        if (reading) return reading;
      }
      const tier = seenTier(view, customer);
      if (tier === undefined) {
        if (onCustomer(view, customer)) throw new Error('expert: no tier on the customer page');
        return openCustomer(view, customer, ticket.id, 'ticket-link');
      }
      const seen = seenOrder(view, desk, order.id, `The ticket names order ${order.id}`);
      if (!('lines' in seen)) return seen;
      if (view.strategy === 'ignore-policy') {
        const value = (cents(seen.shipping) / 100).toFixed(2);
        return refund(
          view,
          value,
          { value, sources: [seen.shipping], how: 'the shipping fee the customer asks for' },
          'Refund the shipping fee, as the customer asks.',
        );
      }
      const lineTotals = seen.lines.map((l) => l[3]!);
      const items = lineTotals.reduce((s, x) => s + cents(x), 0);
      const shipping = cents(seen.shipping);
      const used = view.strategy === 'relax:tier' ? 'standard' : tier;
      const pct = wrong ? policy.priceMatchRate : policy.lateRates[used as keyof typeof policy.lateRates];
      const base = view.strategy === 'relax:shipping' ? items + shipping : items;
      const value = (Math.round((base * pct) / 100) / 100).toFixed(2);
      const rateShown = wrong ? `${pct}%` : `${used} ${pct}%`;
      return refund(
        view,
        value,
        {
          value,
          sources: [...lineTotals, rateShown, ...(view.strategy === 'relax:shipping' ? [seen.shipping] : [])],
          how: `${pct}% of the items' line totals, rounded to the cent`,
        },
        `${customer.name} is a ${tier} customer; "${article.title}" gives ${rateShown}: credit ${pct}% of the items (${money(base)}), $${value}.`,
      );
    };

    /** Refunds `value` with the reason "Late delivery" on the order, then replies with it and solves the ticket. */
    const refund = (view: ExpertView, value: string, derived: { value: string; sources: string[]; how: string }, why: string): ExpertStep => {
      if (!data.refunds.some((x) => x.orderId === order.id)) {
        if (!view.snapshot.title.startsWith(`Order ${order.id}`)) {
          const seen = seenOrder(view, desk, order.id, `The ticket names order ${order.id}`);
          if (!('lines' in seen)) return seen;
          const back = navigate(view, `http://desk.test/orders/${order.id}`, `Order ${order.id} is the one to credit: open it`);
          if (!back) throw new Error('expert: the order page was shown but its address was not');
          return back;
        }
        return fillForm(
          view.snapshot,
          [
            { label: 'Refund amount (USD)', value, why, derived },
            { label: 'Refund reason', value: 'Late delivery', kind: 'select', why: 'The order arrived late.' },
          ],
          'Issue refund',
          `Issue the credit of $${value} on order ${order.id}.`,
        );
      }
      const reply = `Sorry that order ${order.id} arrived late. We have credited $${value} to your original payment method.`;
      if (ticket.replies.includes(reply)) return done(`Order ${order.id} shows the credit of $${value} and the ticket is solved with the reply: submit.`);
      return onTicketForm(
        view,
        desk,
        replyFields(
          reply,
          'solved',
          `Tell ${first} that $${value} was credited.`,
          { value: reply, sources: [`Order ${order.id}`, `$${value}`], how: 'reply with the credited amount' },
          'The procedure sets the ticket to Solved.',
        ),
        'Send reply',
        'The reply and the Solved status are set: send the reply.',
      );
    };

    return {
      instruction: policyInstruction(desk),
      sites,
      startUrl: `http://desk.test/tickets/${ticket.id}`,
      expert,
      expectsChange: (key) => key === `site:desk/tickets/${ticket.id}` || key === 'site:desk/refunds/#0',
      verify() {
        const mine = data.refunds.filter((r) => r.orderId === order.id);
        const stated = ticket.replies.flatMap((r) => [...r.matchAll(/\d+\.\d{2}/g)].map((m) => m[0]));
        const due = (credit / 100).toFixed(2);
        return verification(
          {
            refund: mine.length === 1 && mine[0]!.amount === credit ? 1 : 0,
            reason: mine.length > 0 && mine.every((r) => r.reason === 'Late delivery') ? 1 : 0,
            replied_amount: stated.includes(due) && stated.every((x) => x === due) ? 1 : 0,
            solved: ticket.status === 'solved' ? 1 : 0,
            rest_of_ticket: restKept(ticket, ticketStart, ['replies', 'status']) ? 1 : 0,
          },
          `policy: ${customer.tier} ${rate}% of ${money(subtotal)} = ${money(credit)} on order ${order.id}; refunds: ${data.refunds.map((x) => `${money(x.amount)} on ${x.orderId} (${x.reason})`).join(', ') || 'none'}; ticket ${ticket.status}`,
        );
      },
    };
  },
};

function cents(shown: string): number {
  return Math.round(Number(shown.replace(/[$,]/g, '')) * 100);
}

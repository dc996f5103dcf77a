import type { Derived, ExpertStep } from '@workgym/protocol/kit';
import { addDays } from '../sites/travel.js';
import { restKept } from './desk-data.js';
import { daysBetween, done, onTicketForm, policyDesk, policyInstruction, policySites, replyFields, seenOrder } from './desk-policy-kit.js';
import { fillForm, navigate, type ExpertView } from './expert-kit.js';
import { openArticle } from './kb-expert.js';
import { money } from './rng.js';
import { type FamilyDef, verification } from './task.js';

/** What the policy makes of the request: refund it, escalate it (above the agent's limit), or refuse it (outside the window). */
type Outcome = 'refund' | 'escalate' | 'refuse';

export const deskPolicyRefund: FamilyDef = {
  name: 'desk-policy-refund',
  job: 'customer-support',
  difficulty: 'hard',
  description:
    "A customer asks for a damaged item's whole order back; the instruction says only to follow company policy: the handbook's refund window and the agent's approval limit decide whether to refund the item, escalate to the group the limit article names with an internal note, or refuse with a reply quoting the window.",
  strategies: ['search', 'browse'],
  // ignore-policy: refunds what the customer asks (the whole order, shipping included) whatever
  // the rules; wrong-threshold: decides by the returns article's window and the goodwill limit.
  nearMisses: ['ignore-policy', 'wrong-threshold'],
  features: ['policy'],
  // The ticket (reply, status, group, note) and at most one refund, the desk's first.
  collateral: true,
  components: [
    { name: 'decision', kind: 'progress' },
    { name: 'details', kind: 'progress' },
    { name: 'ending', kind: 'progress' },
    { name: 'rest_of_ticket', kind: 'guard' },
  ],
  guesses: ['one-dollar'],
  generate(rng) {
    const desk = policyDesk(rng);
    const { data, policy, ticket, customer, today } = desk;
    const outcome = rng.pick(['refund', 'escalate', 'refuse'] as const satisfies readonly Outcome[]);
    const order = rng.pick(data.orders.filter((o) => o.customerId === customer.id));
    order.status = 'delivered';
    const item = rng.pick(order.items);
    // The whole order (what the customer asks for) is never the item's amount.
    if (order.shipping === 0) order.shipping = rng.pick([499, 799]);
    item.qty = rng.int(1, 2);
    const limit = policy.approvalLimit;
    const wanted = outcome === 'escalate' ? rng.int(limit + 300, limit * 2) : rng.int(Math.round(limit * 0.3), limit - 300);
    item.price = Math.round(wanted / item.qty / 100) * 100 + rng.pick([0, 50, 99]);
    const amount = item.price * item.qty;
    // The delivery is inside the window or past it, never on its last day; the returns article's
    // window falls on the other side of the delivery, so deciding by it is always wrong.
    const n = policy.refundWindow;
    const ago = outcome === 'refuse' ? rng.int(n + 1, n + 40) : rng.int(Math.max(2, Math.ceil(n / 3)), n - 1);
    policy.returnWindow = outcome === 'refuse' ? rng.int(ago + 1, ago + 30) : rng.int(Math.max(1, Math.floor(ago / 2)), ago - 1);
    order.deliveryDate = addDays(today, -ago);
    const first = customer.name.split(' ')[0]!;
    ticket.subject = `Damaged ${item.name} (order ${order.id})`;
    ticket.body = `Hello, the ${item.name} from my order ${order.id} arrived damaged. Please refund the whole order, shipping included. Thanks, ${first}`;
    const { sites, topics } = policySites(rng, desk);
    const ticketStart = structuredClone(ticket);
    const openingStatus = ticket.status;

    /** The articles a strategy decides by: the right two, or the look-alikes wrong-threshold reads. */
    const rules = (view: ExpertView) =>
      view.strategy === 'wrong-threshold'
        ? { window: topics.returns, windowDays: policy.returnWindow, limitArticle: topics.goodwill, limit: policy.goodwillLimit, q: ['returns', 'goodwill'] }
        : { window: topics.damaged, windowDays: n, limitArticle: topics.limit, limit, q: ['damaged', 'approval limit'] };

    const expert = (view: ExpertView): ExpertStep => {
      if (view.strategy === 'guess:one-dollar') return oneDollar(view);
      const r = rules(view);
      const reading =
        openArticle(view, r.window, r.q[0]!, `The ticket asks for a refund of a damaged ${item.name}`) ??
        openArticle(view, r.limitArticle, r.q[1]!, 'How much may an agent refund without approval');
      if (reading) return reading;
      const seen = seenOrder(view, desk, order.id, `The ticket names order ${order.id}`);
      if (!('lines' in seen)) return seen;
      const days = daysBetween(seen.delivery, today);
      const [, qty, unit] = seen.lines.find((l) => l[0] === item.name)! as [string, string, string, string];
      const due = (cents(unit) * Number(qty)) / 100;
      if (view.strategy === 'ignore-policy')
        return refund(view, cents(seen.total) / 100, [seen.total], 'the order total the customer asks for', 'Refund the whole order as the customer asks.');
      const inWindow = days <= r.windowDays;
      const windowWhy = `Order ${order.id} was delivered on ${seen.delivery}, ${days} days before today (${today}); "${r.window.title}" allows ${r.windowDays} days`;
      if (!inWindow) {
        const reply = `Sorry about the ${item.name}. Damaged items are refunded only within ${r.windowDays} days of delivery; order ${order.id} was delivered on ${seen.delivery}, so we cannot refund it.`;
        const status = policy.refusalStatus;
        if (ticket.replies.includes(reply)) return done(`The refusal is sent and the ticket is ${status}: submit.`);
        return onTicketForm(
          view,
          desk,
          replyFields(
            reply,
            status,
            `${windowWhy}: no refund. Tell ${first} the rule.`,
            {
              value: reply,
              sources: [item.name, `${r.windowDays} days`, seen.delivery, `Order ${order.id}`],
              how: 'refusal quoting the window of the article',
            },
            `The article asks to set a refused ticket to ${status}.`,
          ),
          'Send reply',
          'The refusal and the status are set: send the reply.',
        );
      }
      const value = due.toFixed(2);
      const amountDerived: Derived = { value, sources: [unit, qty], how: 'unit price times quantity of the damaged item' };
      if (due * 100 > r.limit) {
        const group = policy.escalationGroup;
        const note = `Refund of $${value} on order ${order.id} for the damaged ${item.name} is above my approval limit of ${money(r.limit)}.`;
        if (ticket.group === group && ticket.notes?.includes(note)) return done(`Ticket #${ticket.id} is assigned to ${group} with the note: submit.`);
        return onTicketForm(
          view,
          desk,
          [
            {
              label: 'Assign to group',
              value: group,
              kind: 'select',
              why: `${windowWhy}, but $${value} is above the ${money(r.limit)} limit: escalate to ${group}.`,
            },
            {
              label: 'Internal note',
              value: note,
              why: 'The limit article asks for a note with the order number and the amount.',
              derived: {
                value: note,
                sources: [...amountDerived.sources, item.name, money(r.limit), `Order ${order.id}`],
                how: 'note with the order, the amount to refund and the limit',
              },
            },
          ],
          'Save escalation',
          'Group and note are set: save the escalation.',
        );
      }
      return refund(
        view,
        due,
        [unit, qty],
        'unit price times quantity of the damaged item',
        `${windowWhy}, and $${value} is within the ${money(r.limit)} limit: refund the item, not the shipping.`,
      );
    };

    /** Refunds `value` on the order with the reason "Damaged item", then replies with it and solves the ticket. */
    const refund = (view: ExpertView, dollars: number, sources: string[], how: string, why: string): ExpertStep => {
      const value = dollars.toFixed(2);
      if (!data.refunds.some((x) => x.orderId === order.id)) {
        if (!view.snapshot.title.startsWith(`Order ${order.id}`))
          return navigate(view, `http://desk.test/orders/${order.id}`, `Order ${order.id} is the one to refund: open it`) ?? fail();
        return fillForm(
          view.snapshot,
          [
            { label: 'Refund amount (USD)', value, why, derived: { value, sources, how } },
            { label: 'Refund reason', value: 'Damaged item', kind: 'select', why: 'The item arrived damaged.' },
          ],
          'Issue refund',
          `Issue the refund of $${value} on order ${order.id}.`,
        );
      }
      const reply = `Sorry about the ${item.name}. We have refunded $${value} to your original payment method.`;
      if (ticket.replies.includes(reply)) return done(`Order ${order.id} shows the refund of $${value} and the ticket is solved with the reply: submit.`);
      return onTicketForm(
        view,
        desk,
        replyFields(
          reply,
          'solved',
          `Tell ${first} that $${value} was refunded.`,
          { value: reply, sources: [item.name, `$${value}`], how: 'reply with the refunded amount' },
          'The procedure sets the ticket to Solved after a refund.',
        ),
        'Send reply',
        'The reply and the Solved status are set: send the reply.',
      );
    };

    /** A constant attempt: refund $1.00 on the order the ticket names, whatever the rules say. */
    const oneDollar = (view: ExpertView): ExpertStep => {
      const seen = seenOrder(view, desk, order.id, `The ticket names order ${order.id}`);
      if (!('lines' in seen)) return seen;
      if (!data.refunds.length) {
        return fillForm(
          view.snapshot,
          [
            { label: 'Refund amount (USD)', value: '1.00', why: 'Refund a fixed $1.00.', derived: { value: '1.00', sources: [], how: 'a fixed amount' } },
            { label: 'Refund reason', value: 'Damaged item', kind: 'select', why: 'The item arrived damaged.' },
          ],
          'Issue refund',
          'Issue the fixed refund.',
        );
      }
      return done('A fixed $1.00 is refunded: submit.');
    };

    return {
      instruction: policyInstruction(desk),
      sites,
      startUrl: `http://desk.test/tickets/${ticket.id}`,
      expert,
      expectsChange: (key) => key === `site:desk/tickets/${ticket.id}` || key === 'site:desk/refunds/#0',
      verify() {
        const refunds = data.refunds;
        const replies = ticket.replies;
        const noted = (ticket.notes ?? []).some((x) => x.includes(String(order.id)) && x.includes((amount / 100).toFixed(2)));
        const decision = {
          refund: refunds.length === 1 && refunds[0]!.orderId === order.id && refunds[0]!.amount === amount && !ticket.group,
          escalate: refunds.length === 0 && ticket.group === policy.escalationGroup,
          refuse: refunds.length === 0 && !ticket.group && replies.length > 0,
        }[outcome];
        const details = {
          refund: refunds[0]?.reason === 'Damaged item',
          escalate: noted,
          refuse: replies.some((x) => x.includes(`${n} days`)) && replies.every((x) => !/\d+\.\d\d/.test(x)),
        }[outcome];
        const ending = {
          refund: ticket.status === 'solved' && repliedOnly(replies, (amount / 100).toFixed(2)),
          escalate: ticket.status === openingStatus && replies.length === 0,
          refuse: ticket.status === policy.refusalStatus,
        }[outcome];
        return verification(
          {
            decision: decision ? 1 : 0,
            details: decision && details ? 1 : 0,
            ending: decision && ending ? 1 : 0,
            rest_of_ticket: restKept(ticket, ticketStart, ['replies', 'status', 'group', 'notes']) ? 1 : 0,
          },
          `policy says ${outcome} (${money(amount)} on order ${order.id}, delivered ${ago} days ago; window ${n} days, limit ${money(limit)}, group ${policy.escalationGroup}, refusal status ${policy.refusalStatus}); refunds: ${refunds.map((x) => `${money(x.amount)} on ${x.orderId} (${x.reason})`).join(', ') || 'none'}; ticket ${ticket.status}, group ${ticket.group ?? 'none'}, ${replies.length} replies, ${(ticket.notes ?? []).length} notes`,
        );
      },
    };
  },
};

function cents(shown: string): number {
  return Math.round(Number(shown.replace('$', '')) * 100);
}

/** Some reply states the amount, and no reply states another. */
function repliedOnly(replies: readonly string[], amount: string): boolean {
  const stated = replies.flatMap((r) => [...r.matchAll(/\d+\.\d{2}/g)].map((m) => m[0]));
  return stated.includes(amount) && stated.every((x) => x === amount);
}

function fail(): never {
  throw new Error('expert: the order page was never shown');
}

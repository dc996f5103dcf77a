import { HelpDeskSite, type DeskOrder } from '../sites/helpdesk.js';
import { addDays } from '../sites/travel.js';
import { deskData, restKept } from './desk-data.js';
import { money } from './rng.js';
import { listedOrders, onCustomer, onTicket, openCustomer, openTicket, orderPageId, seenOrders, type CustomerRoute } from './desk-expert.js';
import type { Derived, ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, list, navigate, reportInfeasible, seenTitled, submit, textAfter, type ExpertView } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

export const deskRefund: FamilyDef = {
  name: 'desk-refund',
  job: 'customer-support',
  difficulty: 'hard',
  description:
    'Handle a damaged-item ticket by policy: find the order that holds the item, refund the item (not shipping) if it was delivered within the refund window, solve the ticket; on a quarter of the seeds the order is past the window, and the right ending is to report that no refund is allowed.',
  strategies: ['ticket-link', 'directory'],
  // act-anyway: refunds the item as a goodwill gesture, as an agent does when the policy refuses
  // it; on a seed within the window the reason is wrong.
  nearMisses: ['refund-order-total', 'act-anyway'],
  // Seeds where the order was delivered before the window the instruction states: the request is
  // outside the policy, and only reporting it, with nothing refunded or replied, succeeds.
  features: ['infeasible'],
  // The kit judges the whole desk: the ticket and new refunds are the task's changes (expectsChange).
  collateral: true,
  // The right refund (order and amount) comes first: a refund on the wrong order or of another amount earns nothing.
  components: [
    { name: 'refund', kind: 'progress' },
    { name: 'reason', kind: 'progress' },
    { name: 'replied_amount', kind: 'progress' },
    { name: 'solved', kind: 'progress' },
    { name: 'rest_of_ticket', kind: 'guard' },
  ],
  conditions: ['quantity', 'shipping'],
  guesses: ['one-dollar'],
  generate(rng, _task, _tier, variant) {
    const data = deskData(rng);
    const ticket = rng.pick(data.tickets);
    const customer = data.customers.find((c) => c.id === ticket.customerId)!;
    const orders = data.orders.filter((o) => o.customerId === customer.id && o.status === 'delivered');
    // The damaged item must appear in exactly one of the customer's orders.
    let order: DeskOrder | undefined;
    let item: DeskOrder['items'][number] | undefined;
    for (const o of rng.shuffle(orders.length ? orders : data.orders.filter((x) => x.customerId === customer.id))) {
      const unique = o.items.find((i) => data.orders.filter((x) => x.customerId === customer.id && x.items.some((j) => j.name === i.name)).length === 1);
      if (unique) {
        order = o;
        item = unique;
        break;
      }
    }
    if (!order || !item) {
      order = data.orders.find((o) => o.customerId === customer.id)!;
      order.items = [{ name: 'Travel Adapter', price: 2450, qty: 1 }, ...order.items];
      item = order.items[0]!;
    }
    // A one-line order totals the item itself, and refunding the whole order (the near-miss) would pass.
    if (order.items.length === 1) order.items.push({ name: item.name === 'Gift Wrap' ? 'Greeting Card' : 'Gift Wrap', price: 350, qty: 1 });
    order.status = 'delivered';
    // Each condition of the policy changes the amount: the quantity (2 or more) and the shipping (some).
    item.qty = rng.int(2, 3);
    if (order.shipping === 0) order.shipping = rng.pick([499, 799]);
    // The window is a rule of the instruction; the order's delivery date, on its page, is inside
    // it or (infeasible) past it, never on its last day.
    const today = `2025-10-${String(rng.int(1, 20)).padStart(2, '0')}`;
    const windowDays = rng.pick([14, 30, 45, 60]);
    order.deliveryDate = addDays(today, -(variant.infeasible ? rng.int(windowDays + 1, windowDays + 35) : rng.int(1, windowDays - 1)));
    ticket.subject = `Broken ${item.name}`;
    ticket.body = `Hello, the ${item.name} I ordered arrived damaged and cannot be used. I would like my money back for it. Thanks, ${customer.name.split(' ')[0]}`;
    const amount = item.price * item.qty;
    const ticketStart = structuredClone(ticket);
    const first = customer.name.split(' ')[0]!;
    const desk = new HelpDeskSite(data);
    const damaged = item.name;
    /** Opens the customer's orders one by one (delivered ones first) until one holds the item. */
    const findOrder = (view: ExpertView, route: CustomerRoute): ExpertStep => {
      if (onCustomer(view, customer)) {
        const opened = seenOrders(view).map((o) => o.id);
        const unopened = listedOrders(view.snapshot).filter((o) => !opened.includes(Number(o.link.name.split(' ')[1])));
        const next = unopened.find((o) => o.status === 'delivered') ?? unopened[0];
        if (next) {
          const checked = opened.length ? `${list(opened.map((id) => `order ${id}`))} ${opened.length > 1 ? 'do' : 'does'} not hold it; ` : '';
          return act(click(next.link), `The ticket is about a damaged ${damaged}; ${checked}open ${next.link.name} (${next.status}) to look for it.`);
        }
      }
      return openCustomer(view, customer, ticket.id, route);
    };
    /** Where the strategy refunds and how much ("12.34"), once the pages it needs were shown. */
    const plan = (view: ExpertView): { orderId: number; value: string; derived: Derived; why: string } | ExpertStep => {
      if (view.strategy === 'guess:one-dollar') {
        // A constant attempt: $1.00 on the first order the customer's page lists, whatever it holds.
        const page = seenTitled(view, customer.name).find((p) => textAfter(p.snapshot, 'Support tier:') !== undefined);
        const first = page && listedOrders(page.snapshot)[0];
        if (!first) return openCustomer(view, customer, ticket.id, 'ticket-link');
        const id = Number(first.link.name.split(' ')[1]);
        const there = orderPageId(view.snapshot.title) === id || data.refunds.some((r) => r.orderId === id);
        if (!there && onCustomer(view, customer)) return act(click(listedOrders(view.snapshot)[0]!.link), `Open ${first.link.name}, the first order listed.`);
        if (!there) return openCustomer(view, customer, ticket.id, 'ticket-link');
        return { orderId: id, value: '1.00', derived: { value: '1.00', sources: [], how: 'a fixed amount' }, why: 'Refund a fixed $1.00.' };
      }
      const byDirectory = view.strategy === 'directory';
      const holding = seenOrders(view).find((o) => o.customer === customer.name && o.lines.some((l) => l[0] === item.name));
      if (!holding) return findOrder(view, byDirectory ? 'directory' : 'ticket-link');
      if (variant.infeasible && deskRefund.strategies.includes(view.strategy)) {
        const days = Math.round((Date.parse(today) - Date.parse(holding.delivery)) / 86_400_000);
        return reportInfeasible(
          `Order ${holding.id} holds the ${item.name}; it was delivered on ${holding.delivery}, ${days} days before today (${today}), past the ${windowDays}-day refund window of the policy: no refund is allowed.`,
          [`Order ${holding.id}`, item.name, holding.delivery, today, `${windowDays} days`],
          'days from the delivery date on the order page to today, against the policy window',
        );
      }
      const [, qty, unit] = holding.lines.find((l) => l[0] === item.name)! as [string, string, string, string];
      const line = (cents(unit) * Number(qty)) / 100;
      const ways: Record<string, [number, string[], string]> = {
        'refund-order-total': [cents(holding.total) / 100, [holding.total], 'the order total'],
        // Relaxations: the policy done with one condition dropped.
        'relax:quantity': [cents(unit) / 100, [unit], 'the unit price, whatever the quantity'],
        'relax:shipping': [line + cents(holding.shipping) / 100, [unit, qty, holding.shipping], 'unit price times quantity plus shipping'],
      };
      const [amount, sources, how] = ways[view.strategy] ?? [line, [unit, qty], 'unit price times quantity of the damaged item'];
      const value = amount.toFixed(2);
      return {
        orderId: holding.id,
        value,
        derived: { value, sources, how },
        why: `${variant.infeasible ? '' : `Order ${holding.id} was delivered on ${holding.delivery}, within the ${windowDays}-day window. `}The ${item.name} costs ${unit} and the order has ${qty}: refund ${how}, $${value}.`,
      };
    };

    return {
      instruction: `Handle ticket #${ticket.id} in the support desk. Refund policy for damaged items: only orders delivered within the last ${windowDays} days are refunded (today is ${today}; an order's page shows its delivery date); refund the price of the damaged item (unit price times quantity, without shipping) on the order that contains it, with reason "Damaged item"; then reply to the customer confirming the refund amount and set the ticket to Solved. Submit when done.`,
      sites: [desk],
      startUrl: `http://desk.test/tickets/${ticket.id}`,
      expert(view) {
        const p = plan(view);
        if (!('orderId' in p)) return p;
        const refundShown = `$${p.value}`;
        if (!data.refunds.some((r) => r.orderId === p.orderId)) {
          if (orderPageId(view.snapshot.title) !== p.orderId) {
            return navigate(view, `http://desk.test/orders/${p.orderId}`, `Order ${p.orderId} is the one to refund: open it`) ?? findOrder(view, 'ticket-link');
          }
          return fillForm(
            view.snapshot,
            [
              { label: 'Refund amount (USD)', value: p.value, why: p.why, derived: p.derived },
              view.strategy === 'act-anyway'
                ? { label: 'Refund reason', value: 'Goodwill', kind: 'select', why: 'Refund it as a goodwill gesture, whatever the refund window says.' }
                : { label: 'Refund reason', value: 'Damaged item', kind: 'select', why: 'The policy asks for the reason "Damaged item".' },
            ],
            'Issue refund',
            `Amount and reason are set: issue the refund on order ${p.orderId}.`,
          );
        }
        if (ticket.status !== 'solved' || !ticket.replies.at(-1)?.includes(refundShown)) {
          if (!onTicket(view, ticket.id)) return openTicket(view, ticket.id, view.strategy === 'directory');
          const reply = `Sorry about the ${item.name}. We have refunded ${refundShown} to your original payment method.`;
          return fillForm(
            view.snapshot,
            [
              {
                label: 'Reply to customer',
                value: reply,
                why: `Tell ${first} that ${refundShown} was refunded for the ${item.name}.`,
                derived: { value: reply, sources: [item.name, refundShown], how: 'reply template with the refunded amount' },
              },
              { label: 'Status after reply', value: 'Solved', kind: 'select', why: 'The instruction asks to set the ticket to Solved with the reply.' },
            ],
            'Send reply',
            'The reply and the Solved status are set: send the reply.',
          );
        }
        return act(submit(), `Order ${p.orderId} shows the refund of ${refundShown} and ticket #${ticket.id} is solved with the reply: submit.`);
      },
      // The ticket (reply, status) and one refund, the desk's first (it starts with none): a second refund fails no_collateral.
      expectsChange: (key) => key === `site:desk/tickets/${ticket.id}` || key === 'site:desk/refunds/#0',
      verify() {
        const mine = data.refunds.filter((r) => r.orderId === order.id);
        return verification(
          {
            refund: mine.length === 1 && mine[0]!.amount === amount ? 1 : 0,
            reason: mine.length > 0 && mine.every((r) => r.reason === 'Damaged item') ? 1 : 0,
            replied_amount: repliedOnly(ticket.replies, (amount / 100).toFixed(2)) ? 1 : 0,
            solved: ticket.status === 'solved' ? 1 : 0,
            rest_of_ticket: restKept(ticket, ticketStart, ['replies', 'status']) ? 1 : 0,
          },
          `refunds: ${data.refunds.map((x) => `${money(x.amount)} on ${x.orderId} (${x.reason})`).join(', ') || 'none'}; expected ${money(amount)} on ${order.id}; ticket ${ticket.status}`,
        );
      },
    };
  },
};

function cents(shown: string): number {
  return Math.round(Number(shown.replace('$', '')) * 100);
}

/** Some reply states the refunded amount, and no reply states another amount. */
function repliedOnly(replies: readonly string[], amount: string): boolean {
  const stated = replies.flatMap((r) => [...r.matchAll(/\d+\.\d{2}/g)].map((m) => m[0]));
  return stated.includes(amount) && stated.every((x) => x === amount);
}

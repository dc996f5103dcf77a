import { HelpDeskSite, type DeskOrder } from '../sites/helpdesk.js';
import { deskData } from './desk-data.js';
import { money } from './rng.js';
import { listedOrders, onCustomer, onTicket, openCustomer, openTicket, orderPageId, seenOrders, type CustomerRoute } from './desk-expert.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, list, navigate, submit, type ExpertView } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

export const deskRefund: FamilyDef = {
  name: 'desk-refund',
  job: 'customer-support',
  difficulty: 'hard',
  description: 'Handle a damaged-item ticket by policy: find the order that holds the item, refund the item (not shipping), solve the ticket.',
  strategies: ['ticket-link', 'directory'],
  nearMisses: ['refund-order-total'],
  generate(rng) {
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
    ticket.subject = `Broken ${item.name}`;
    ticket.body = `Hello, the ${item.name} I ordered arrived damaged and cannot be used. I would like my money back for it. Thanks, ${customer.name.split(' ')[0]}`;
    const amount = item.price * item.qty;
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
    return {
      instruction: `Handle ticket #${ticket.id} in the support desk. Refund policy for damaged items: refund the price of the damaged item (unit price times quantity, without shipping) on the order that contains it, with reason "Damaged item"; then reply to the customer confirming the refund amount and set the ticket to Solved. Submit when done.`,
      sites: [desk],
      startUrl: `http://desk.test/tickets/${ticket.id}`,
      expert(view) {
        const byDirectory = view.strategy === 'directory';
        const wholeOrder = view.strategy === 'refund-order-total';
        const holding = seenOrders(view).find((o) => o.customer === customer.name && o.lines.some((l) => l[0] === item.name));
        if (!holding) return findOrder(view, byDirectory ? 'directory' : 'ticket-link');
        const line = holding.lines.find((l) => l[0] === item.name)!;
        const [, qty, unit, lineTotal] = line as [string, string, string, string];
        const refundShown = wholeOrder ? holding.total : lineTotal;
        if (!data.refunds.some((r) => r.orderId === holding.id)) {
          if (orderPageId(view.snapshot.title) !== holding.id) {
            return (
              navigate(view, `http://desk.test/orders/${holding.id}`, `Order ${holding.id} holds the ${item.name}: open it to refund`) ??
              findOrder(view, 'ticket-link')
            );
          }
          const value = wholeOrder ? holding.total.replace('$', '') : ((cents(unit) * Number(qty)) / 100).toFixed(2);
          const derived = wholeOrder
            ? { value, sources: [holding.total], how: 'the order total' }
            : { value, sources: [unit, qty], how: 'unit price times quantity of the damaged item' };
          return fillForm(
            view.snapshot,
            [
              {
                label: 'Refund amount (USD)',
                value,
                why: wholeOrder
                  ? `Refund the whole order: ${holding.total}.`
                  : `The ${item.name} costs ${unit} and the order has ${qty}: the policy refunds ${unit} × ${qty} = $${value}, without shipping.`,
                derived,
              },
              { label: 'Refund reason', value: 'Damaged item', kind: 'select', why: 'The policy asks for the reason "Damaged item".' },
            ],
            'Issue refund',
            `Amount and reason are set: issue the refund on order ${holding.id}.`,
          );
        }
        if (ticket.status !== 'solved' || !ticket.replies.at(-1)?.includes(refundShown)) {
          if (!onTicket(view, ticket.id)) return openTicket(view, ticket.id, byDirectory);
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
        return act(submit(), `Order ${holding.id} shows the refund of ${refundShown} and ticket #${ticket.id} is solved with the reply: submit.`);
      },
      verify() {
        const refunds = data.refunds;
        const r = refunds[0];
        const components = {
          one_refund: refunds.length === 1 ? 1 : 0,
          right_order: r?.orderId === order.id ? 1 : 0,
          right_amount: r?.amount === amount ? 1 : 0,
          reason: r?.reason === 'Damaged item' ? 1 : 0,
          solved: ticket.status === 'solved' ? 1 : 0,
          replied_amount: repliedOnly(ticket.replies, (amount / 100).toFixed(2)) ? 1 : 0,
        };
        return verification(
          components,
          `refunds: ${refunds.map((x) => `${money(x.amount)} on ${x.orderId} (${x.reason})`).join(', ') || 'none'}; expected ${money(amount)} on ${order.id}; ticket ${ticket.status}`,
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

import { HelpDeskSite, type DeskOrder } from '../sites/helpdesk.js';
import { deskData } from './desk-data.js';
import { money } from './rng.js';
import { fillForm, navigate, submit, type FamilyDef, verification } from './task.js';

export const deskRefund: FamilyDef = {
  name: 'desk-refund',
  job: 'customer-support',
  difficulty: 'hard',
  description: 'Handle a damaged-item ticket by policy: find the order that holds the item, refund the item (not shipping), solve the ticket.',
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
    order.status = 'delivered';
    ticket.subject = `Broken ${item.name}`;
    ticket.body = `Hello, the ${item.name} I ordered arrived damaged and cannot be used. I would like my money back for it. Thanks, ${customer.name.split(' ')[0]}`;
    const amount = item.price * item.qty;
    const desk = new HelpDeskSite(data);
    return {
      instruction: `Handle ticket #${ticket.id} in the support desk. Refund policy for damaged items: refund the price of the damaged item (unit price times quantity, without shipping) on the order that contains it, with reason "Damaged item"; then reply to the customer confirming the refund amount and set the ticket to Solved. Submit when done.`,
      sites: [desk],
      startUrl: `http://desk.test/tickets/${ticket.id}`,
      expert({ url, snapshot }) {
        const refunded = data.refunds.some((r) => r.orderId === order.id);
        if (!refunded) {
          if (url.pathname !== `/orders/${order.id}`) return navigate(snapshot, `http://desk.test/orders/${order.id}`);
          return fillForm(snapshot, [{ label: 'Refund amount (USD)', value: (amount / 100).toFixed(2) }, { label: 'Refund reason', value: 'Damaged item', kind: 'select' }], 'Issue refund');
        }
        if (ticket.status !== 'solved') {
          if (url.pathname !== `/tickets/${ticket.id}`) return navigate(snapshot, `http://desk.test/tickets/${ticket.id}`);
          return fillForm(
            snapshot,
            [{ label: 'Reply to customer', value: `Sorry about the ${item.name}. We have refunded ${money(amount)} to your original payment method.` }, { label: 'Status after reply', value: 'Solved', kind: 'select' }],
            'Send reply',
          );
        }
        return submit();
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
          replied_amount: ticket.replies.some((x) => x.includes((amount / 100).toFixed(2))) ? 1 : 0,
        };
        return verification(
          components,
          refunds.length > 0,
          `refunds: ${refunds.map((x) => `${money(x.amount)} on ${x.orderId} (${x.reason})`).join(', ') || 'none'}; expected ${money(amount)} on ${order.id}; ticket ${ticket.status}`,
        );
      },
    };
  },
};

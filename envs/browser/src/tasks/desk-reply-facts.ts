import { HelpDeskSite } from '../sites/helpdesk.js';
import { deskData } from './desk-data.js';
import { fillForm, navigate, submit, type FamilyDef, verification } from './task.js';

export const deskReplyFacts: FamilyDef = {
  name: 'desk-reply-facts',
  job: 'customer-support',
  difficulty: 'medium',
  description: "Answer a where-is-my-order ticket with the tracking number and expected delivery date of the customer's order in transit.",
  generate(rng) {
    const data = deskData(rng);
    const ticket = rng.pick(data.tickets);
    const customer = data.customers.find((c) => c.id === ticket.customerId)!;
    const mine = data.orders.filter((o) => o.customerId === customer.id);
    for (const o of mine) if (o.status === 'in transit') o.status = 'delivered';
    const order = rng.pick(mine);
    order.status = 'in transit';
    ticket.subject = 'Where is my order?';
    ticket.body = `Hi, I am still waiting for my order. Can you tell me where it is and when it will arrive? ${customer.name}`;
    const desk = new HelpDeskSite(data);
    return {
      instruction: `Reply to ticket #${ticket.id} in the support desk. Look up the customer's order that is in transit and tell them its tracking number and expected delivery date (as shown on the order, YYYY-MM-DD). Set the ticket to Solved with the reply, then submit.`,
      sites: [desk],
      startUrl: 'http://desk.test/',
      expert({ url, snapshot }) {
        if (ticket.status === 'solved' && ticket.replies.length > 0) return submit();
        if (url.pathname !== `/tickets/${ticket.id}`) return navigate(snapshot, `http://desk.test/tickets/${ticket.id}`);
        return fillForm(
          snapshot,
          [{ label: 'Reply to customer', value: `Your order ${order.id} is on its way: tracking number ${order.tracking}, expected delivery ${order.deliveryDate}.` }, { label: 'Status after reply', value: 'Solved', kind: 'select' }],
          'Send reply',
        );
      },
      verify() {
        const text = ticket.replies.join('\n');
        const components = {
          replied: ticket.replies.length > 0 ? 1 : 0,
          tracking: text.includes(order.tracking) ? 1 : 0,
          delivery_date: text.includes(order.deliveryDate) ? 1 : 0,
          solved: ticket.status === 'solved' ? 1 : 0,
        };
        return verification(
          components,
          ticket.replies.length > 0,
          `replies: ${JSON.stringify(ticket.replies)}; expected ${order.tracking} and ${order.deliveryDate}; ticket ${ticket.status}`,
        );
      },
    };
  },
};

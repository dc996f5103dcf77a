import { HelpDeskSite, type Ticket } from '../sites/helpdesk.js';
import { deskData, TICKET_TEMPLATES } from './desk-data.js';
import { fillForm, navigate, submit, type FamilyDef, verification } from './task.js';

export const deskTriage: FamilyDef = {
  name: 'desk-triage',
  job: 'customer-support',
  difficulty: 'easy',
  description: "Triage a help-desk ticket: set its category from its content and its priority from the customer's support tier.",
  generate(rng) {
    const data = deskData(rng);
    const ticket = rng.pick(data.tickets);
    const customer = data.customers.find((c) => c.id === ticket.customerId)!;
    const category = (Object.keys(TICKET_TEMPLATES) as Ticket['category'][]).find((k) => TICKET_TEMPLATES[k].some(([s]) => s === ticket.subject))!;
    const priority = customer.tier === 'premium' ? 'high' : 'normal';
    const before = JSON.stringify(data.tickets.filter((t) => t !== ticket));
    const desk = new HelpDeskSite(data);
    return {
      instruction: `Triage ticket #${ticket.id} in the support desk. Policy: the category is what the ticket is about (billing, shipping, product or account); the priority is High for customers on the premium support tier and Normal for everyone else (the tier is on the customer's page). Save the triage, then submit.`,
      sites: [desk],
      startUrl: 'http://desk.test/',
      expert({ url, snapshot }) {
        if (ticket.priority === priority && ticket.category === category) return submit();
        if (url.pathname !== `/tickets/${ticket.id}`) return navigate(snapshot, `http://desk.test/tickets/${ticket.id}`);
        const label = (s: string) => s[0]!.toUpperCase() + s.slice(1);
        return fillForm(snapshot, [{ label: 'Priority', value: label(priority), kind: 'select' }, { label: 'Category', value: label(category), kind: 'select' }], 'Save triage');
      },
      verify() {
        const components = {
          category: ticket.category === category ? 1 : 0,
          priority: ticket.priority === priority ? 1 : 0,
          others_untouched: JSON.stringify(data.tickets.filter((t) => t !== ticket)) === before ? 1 : 0,
        };
        return verification(
          components,
          ticket.category !== '' || ticket.priority !== '',
          `ticket #${ticket.id}: category ${ticket.category || 'unset'}, priority ${ticket.priority || 'unset'}; expected ${category}, ${priority} (${customer.tier} customer)`,
        );
      },
    };
  },
};

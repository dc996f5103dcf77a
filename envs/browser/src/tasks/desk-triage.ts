import { HelpDeskSite, type Ticket } from '../sites/helpdesk.js';
import { deskData, TICKET_TEMPLATES } from './desk-data.js';
import { label, onTicket, openCustomer, openTicket, seenTier } from './desk-expert.js';
import { editRecords } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

export const deskTriage: FamilyDef = {
  name: 'desk-triage',
  job: 'customer-support',
  difficulty: 'easy',
  description: "Triage a help-desk ticket: set its category from its content and its priority from the customer's support tier.",
  strategies: ['ticket-link', 'directory'],
  nearMisses: ['triage-every-ticket'],
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
      expert(view) {
        const byDirectory = view.strategy === 'directory';
        const tier = seenTier(view, customer);
        if (tier === undefined) return openCustomer(view, customer, ticket.id, byDirectory ? 'directory' : 'ticket-link');
        const shownPriority = tier === 'premium' ? 'high' : 'normal';
        const done = (t: Ticket) => t.priority === shownPriority && t.category === category;
        // The near-miss copies the triage onto every ticket of the queue.
        return editRecords(
          view,
          view.strategy === 'triage-every-ticket' ? data.tickets : [ticket],
          (t) => ({
            saved: done(t),
            onForm: onTicket(view, t.id),
            fields: [
              {
                label: 'Priority',
                value: label(shownPriority),
                kind: 'select',
                why: `${customer.name}'s page says "Support tier: ${tier}", so the policy gives priority ${label(shownPriority)}.`,
              },
              {
                label: 'Category',
                value: label(category),
                kind: 'select',
                why: `The ticket "${ticket.subject}" says: "${ticket.body}" That is a ${category} matter.`,
              },
            ],
            button: 'Save triage',
            why: `Priority ${label(shownPriority)} and category ${label(category)} are chosen: save the triage.`,
          }),
          (t) => openTicket(view, t.id, byDirectory),
          `Ticket #${ticket.id} is saved with priority ${label(shownPriority)} and category ${label(category)}: submit.`,
        );
      },
      verify() {
        const components = {
          category: ticket.category === category ? 1 : 0,
          priority: ticket.priority === priority ? 1 : 0,
          others_untouched: JSON.stringify(data.tickets.filter((t) => t !== ticket)) === before ? 1 : 0,
        };
        return verification(
          components,
          `ticket #${ticket.id}: category ${ticket.category || 'unset'}, priority ${ticket.priority || 'unset'}; expected ${category}, ${priority} (${customer.tier} customer)`,
        );
      },
    };
  },
};

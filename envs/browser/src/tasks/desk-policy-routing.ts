import type { ExpertStep } from '@workgym/protocol/kit';
import { restKept, TICKET_TEMPLATES } from './desk-data.js';
import { label, onCustomer, openCustomer, seenTier } from './desk-expert.js';
import { done, onTicketForm, policyDesk, policyInstruction, policySites } from './desk-policy-kit.js';
import type { ExpertView } from './expert-kit.js';
import type { Category, Priority, Tier } from './kb-data.js';
import { openArticle } from './kb-expert.js';
import { type FamilyDef, verification } from './task.js';

export const deskPolicyRouting: FamilyDef = {
  name: 'desk-policy-routing',
  job: 'customer-support',
  difficulty: 'medium',
  description:
    "Triage and route a new ticket whose customer demands urgent handling; the instruction says only to follow company policy: the handbook's routing article gives the priority per support tier (never Urgent), and the group each category goes to, with an internal note.",
  strategies: ['search', 'browse'],
  // ignore-policy: sets Urgent as the customer demands; wrong-threshold: takes the priority of
  // another tier's entry in the article.
  nearMisses: ['ignore-policy', 'wrong-threshold'],
  features: ['policy'],
  // The asked ticket only (priority, category, group, note).
  collateral: true,
  components: [
    { name: 'priority', kind: 'progress' },
    { name: 'category', kind: 'progress' },
    { name: 'group', kind: 'progress' },
    { name: 'rest_of_ticket', kind: 'guard' },
  ],
  // tier: the standard tier's priority is never the customer's.
  conditions: ['tier'],
  guesses: ['normal-billing-first-group'],
  generate(rng) {
    const desk = policyDesk(rng);
    const { data, policy, ticket, customer } = desk;
    customer.tier = rng.pick(['premium', 'enterprise'] as const);
    const category = rng.pick(['billing', 'shipping', 'product', 'account'] as const satisfies readonly Category[]);
    const [subject, body] = rng.pick(TICKET_TEMPLATES[category]);
    const first = customer.name.split(' ')[0]!;
    ticket.subject = subject;
    ticket.body = `${body} ${rng.pick(['This is urgent, please give it top priority.', 'Please treat this as URGENT and give it priority.'])} ${first}`;
    const priority = policy.priorities[customer.tier];
    const group = policy.routes[category];
    const { sites, topics } = policySites(rng, desk);
    const ticketStart = structuredClone(ticket);
    const tiers = ['standard', 'premium', 'enterprise'] as const satisfies readonly Tier[];

    const expert = (view: ExpertView): ExpertStep => {
      if (view.strategy === 'guess:normal-billing-first-group')
        return triage(view, 'normal', 'billing', data.groups![0]!, 'A fixed triage: Normal, Billing, the first group listed.');
      const reading = openArticle(view, topics.routing, 'priority', `Ticket #${ticket.id} needs a priority and a group`);
      if (reading) return reading;
      const tier = seenTier(view, customer) as Tier | undefined;
      if (tier === undefined) {
        if (onCustomer(view, customer)) throw new Error('expert: no tier on the customer page');
        return openCustomer(view, customer, ticket.id, 'ticket-link');
      }
      const used: Tier =
        view.strategy === 'relax:tier' ? 'standard' : view.strategy === 'wrong-threshold' ? tiers.find((t) => t !== tier && t !== 'standard')! : tier;
      const p = view.strategy === 'ignore-policy' ? 'urgent' : policy.priorities[used];
      const why = `The ticket "${ticket.subject}" is a ${category} matter; ${customer.name} is a ${tier} customer, and "${topics.routing.title}" gives ${used} tickets priority ${label(policy.priorities[used])} and sends ${category} tickets to ${group}.`;
      return triage(view, p, category, group, why);
    };

    /** Saves priority and category, then assigns the group with a note, then submits. */
    const triage = (view: ExpertView, p: Priority | 'urgent', c: Category, g: string, why: string): ExpertStep => {
      if (ticket.priority !== p || ticket.category !== c) {
        return onTicketForm(
          view,
          desk,
          [
            { label: 'Priority', value: label(p), kind: 'select', why },
            { label: 'Category', value: label(c), kind: 'select', why },
          ],
          'Save triage',
          `Priority ${label(p)} and category ${label(c)} are chosen: save the triage.`,
        );
      }
      const note = `Routed to ${g}: a ${c} ticket.`;
      if (ticket.group !== g) {
        return onTicketForm(
          view,
          desk,
          [
            { label: 'Assign to group', value: g, kind: 'select', why: `${label(c)} tickets go to ${g}.` },
            {
              label: 'Internal note',
              value: note,
              why: 'The article asks for a note saying why.',
              derived: { value: note, sources: [g], how: 'the group and the category' },
            },
          ],
          'Save escalation',
          'Group and note are set: save them.',
        );
      }
      return done(`Ticket #${ticket.id} is triaged ${label(p)} / ${label(c)} and assigned to ${g}: submit.`);
    };

    return {
      instruction: policyInstruction(desk),
      sites,
      startUrl: `http://desk.test/tickets/${ticket.id}`,
      expert,
      expectsChange: (key) => key === `site:desk/tickets/${ticket.id}`,
      verify() {
        return verification(
          {
            priority: ticket.priority === priority ? 1 : 0,
            category: ticket.category === category ? 1 : 0,
            group: ticket.group === group && (ticket.notes ?? []).length > 0 ? 1 : 0,
            rest_of_ticket: restKept(ticket, ticketStart, ['priority', 'category', 'group', 'notes']) ? 1 : 0,
          },
          `policy: ${customer.tier} ${priority}, ${category} to ${group}; ticket ${ticket.priority || 'unset'} / ${ticket.category || 'unset'}, group ${ticket.group ?? 'none'}`,
        );
      },
    };
  },
};

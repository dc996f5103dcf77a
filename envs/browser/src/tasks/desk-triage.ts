import { HelpDeskSite, type DeskCustomer, type DeskData, type Ticket } from '../sites/helpdesk.js';
import { deskData, restKept, TICKET_TEMPLATES } from './desk-data.js';
import { label, onTicket, openCustomer, openTicket, seenTier } from './desk-expert.js';
import { drawUntil, type ExpertStep } from '@workgym/protocol/kit';
import { editRecords, type ExpertView, type FormField } from './expert-kit.js';
import type { Rng } from './rng.js';
import { type FamilyDef, verification } from './task.js';

const PRIORITY: Record<DeskCustomer['tier'], Ticket['priority']> = { standard: 'normal', premium: 'high', enterprise: 'urgent' };

/** Constant triages, the same whatever the tickets say: [priority of the first ticket, of the second, category]. */
const GUESSES: Record<string, [Ticket['priority'], Ticket['priority'], Ticket['category']]> = {
  'normal-billing': ['normal', 'normal', 'billing'],
  // The most frequent pair of tiers (standard, then premium) with any one category.
  'normal-high-billing': ['normal', 'high', 'billing'],
};

interface Asked {
  ticket: Ticket;
  customer: DeskCustomer;
  category: Ticket['category'];
}

/**
 * A desk and two of its tickets whose customers are on different tiers, so that no one priority
 * fits both (dropping the tier condition, or a constant priority, always gets one wrong).
 */
function draw(rng: Rng): { data: DeskData; asked: [Asked, Asked] } {
  const data = drawUntil(rng, deskData, (d) => tierPairs(d).length > 0);
  const asked = rng.pick(tierPairs(data)).map((ticket) => ({
    ticket,
    customer: customerOf(data, ticket),
    category: (Object.keys(TICKET_TEMPLATES) as Ticket['category'][]).find((k) => TICKET_TEMPLATES[k].some(([s]) => s === ticket.subject))!,
  }));
  return { data, asked: asked as [Asked, Asked] };
}

function customerOf(data: DeskData, ticket: Ticket): DeskCustomer {
  return data.customers.find((c) => c.id === ticket.customerId)!;
}

/** The pairs of tickets whose customers are on different tiers. */
function tierPairs(data: DeskData): (readonly [Ticket, Ticket])[] {
  return data.tickets.flatMap((a, i) =>
    data.tickets.slice(i + 1).flatMap((b) => (customerOf(data, a).tier !== customerOf(data, b).tier ? [[a, b] as const] : [])),
  );
}

export const deskTriage: FamilyDef = {
  name: 'desk-triage',
  job: 'customer-support',
  difficulty: 'easy',
  description: "Triage two help-desk tickets: each one's category from its content and its priority from its customer's support tier.",
  strategies: ['ticket-link', 'directory'],
  nearMisses: ['triage-every-ticket'],
  // The kit judges the whole desk: the two asked tickets are the task's changes (expectsChange).
  collateral: true,
  // One progress component: a constant priority per ticket is right on a quarter of the seeds and a
  // constant category on a sixteenth, so neither alone shows the tickets were read.
  components: [
    { name: 'triage', kind: 'progress' },
    { name: 'rest_of_tickets', kind: 'guard' },
  ],
  conditions: ['tier'],
  guesses: Object.keys(GUESSES),
  generate(rng) {
    const { data, asked } = draw(rng);
    const ticketsStart = asked.map((a) => structuredClone(a.ticket));
    const desk = new HelpDeskSite(data);
    const ids = asked.map((a) => `#${a.ticket.id}`).join(' and ');

    /** The triage the strategy gives a ticket, once the pages it needs were shown (else the way to them). */
    const triageOf = (view: ExpertView, a: Asked, index: number): FormField[] | ExpertStep => {
      const guess = GUESSES[view.strategy.replace(/^guess:/, '')];
      if (guess) {
        const [p, c] = [guess[index as 0 | 1], guess[2]];
        return fields(p, c, `Every ticket gets priority ${label(p)} and category ${label(c)}, whatever it says (a constant triage).`, '');
      }
      const why = `The ticket "${a.ticket.subject}" says: "${a.ticket.body}" That is a ${a.category} matter.`;
      // A careless worker ignores the tier and gives everyone the default priority.
      if (view.strategy === 'relax:tier') return fields('normal', a.category, 'Priority Normal, without looking at the customer’s tier.', why);
      const tier = seenTier(view, a.customer);
      if (tier === undefined) return openCustomer(view, a.customer, a.ticket.id, view.strategy === 'directory' ? 'directory' : 'ticket-link');
      const p = PRIORITY[tier as DeskCustomer['tier']];
      return fields(p, a.category, `${a.customer.name}'s page says "Support tier: ${tier}", so the policy gives priority ${label(p)}.`, why);
    };

    return {
      instruction: `Triage tickets ${ids} in the support desk. Policy: the category is what the ticket is about (billing, shipping, product or account); the priority comes from the customer's support tier (on the customer's page): Urgent for enterprise, High for premium, Normal for everyone else. Save the triage of each, then submit.`,
      sites: [desk],
      startUrl: 'http://desk.test/',
      expert(view) {
        const wanted: { ticket: Ticket; fields: FormField[] }[] = [];
        for (const [i, a] of asked.entries()) {
          const f = triageOf(view, a, i);
          if (!Array.isArray(f)) return f;
          wanted.push({ ticket: a.ticket, fields: f });
        }
        // The near-miss copies the first ticket's triage onto every other ticket of the queue.
        const others = view.strategy === 'triage-every-ticket' ? data.tickets.filter((t) => !asked.some((a) => a.ticket === t)) : [];
        const records = [...wanted, ...others.map((ticket) => ({ ticket, fields: wanted[0]!.fields }))];
        return editRecords(
          view,
          records,
          (r) => ({
            saved: r.ticket.priority === value(r.fields, 'Priority') && r.ticket.category === value(r.fields, 'Category'),
            onForm: onTicket(view, r.ticket.id),
            fields: r.fields,
            button: 'Save triage',
            why: `Priority ${r.fields[0]!.value} and category ${r.fields[1]!.value} are chosen for ticket #${r.ticket.id}: save the triage.`,
          }),
          (r) => openTicket(view, r.ticket.id, view.strategy === 'directory'),
          `Tickets ${ids} are saved with their priority and category: submit.`,
        );
      },
      expectsChange: (key) => asked.some((a) => key === `site:desk/tickets/${a.ticket.id}`),
      verify() {
        const priorityOk = asked.every((a) => a.ticket.priority === PRIORITY[a.customer.tier]);
        const categoryOk = asked.every((a) => a.ticket.category === a.category);
        const rest = asked.every((a, i) => restKept(a.ticket, ticketsStart[i]!, ['priority', 'category']));
        return verification(
          { triage: priorityOk && categoryOk ? 1 : 0, rest_of_tickets: rest ? 1 : 0 },
          asked
            .map(
              (a) =>
                `ticket #${a.ticket.id}: ${a.ticket.priority || 'unset'} / ${a.ticket.category || 'unset'}, expected ${PRIORITY[a.customer.tier]} / ${a.category} (${a.customer.tier} customer)`,
            )
            .join('; ') + (rest ? '' : '; a ticket changed beyond its triage'),
        );
      },
    };
  },
};

function fields(priority: Ticket['priority'], category: Ticket['category'], whyPriority: string, whyCategory: string): FormField[] {
  return [
    { label: 'Priority', value: label(priority), kind: 'select', why: whyPriority },
    { label: 'Category', value: label(category), kind: 'select', why: whyCategory || whyPriority },
  ];
}

/** The backend value a form field's label stands for ("High" → "high"). */
function value(f: readonly FormField[], name: string): string {
  return f.find((x) => x.label === name)!.value.toLowerCase();
}

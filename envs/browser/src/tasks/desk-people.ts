// What the people families of the help desk share: the ticket's customer as a Person who answers
// on the ticket's thread (channel `desk`), and the expert's question posted as a ticket reply.
import type { ExpertStep, People, Person } from '@workgym/protocol/kit';
import type { DeskCustomer, Ticket } from '../sites/helpdesk.js';
import { fillForm, type ExpertView } from './expert-kit.js';
import { onTicket, openTicket } from './desk-expert.js';

/** The channel of a customer who answers on their ticket's thread. */
export const DESK = 'desk';

/** The Person id of a desk customer: their email's name (`ann.lee` of ann.lee@example.com), which the ticket shows. */
export function personId(customer: DeskCustomer): string {
  return customer.email.split('@')[0]!;
}

/** The customer as the task's Person, answering on the desk: `customer.person` links them. */
export function customerPerson(customer: DeskCustomer, facts: Person['facts']): Person {
  customer.person = personId(customer);
  return { id: customer.person, name: customer.name, role: 'customer', tone: 'casual', channel: DESK, facts };
}

/**
 * The expert's question on the ticket: a reply with the fact's question in the words of the
 * episode's paraphrase (after `lead`, the expert's own sentence), the ticket left Pending while
 * the customer answers. Grounded as `People.ask` is: derived from the customer's name, and from
 * the shown values `shown` that the lead quotes.
 */
export function askOnTicket(
  view: ExpertView,
  ticket: Ticket,
  customer: DeskCustomer,
  fact: string,
  lead: string,
  why: string,
  shown: readonly string[] = [],
): ExpertStep {
  if (!onTicket(view, ticket.id)) return openTicket(view, ticket.id, false);
  const people = view.people!;
  const reply = `${lead}${people.question(personId(customer), fact)}`;
  const about = people.person(personId(customer))!.facts.find((f) => f.id === fact)!.about;
  return fillForm(
    view.snapshot,
    [
      {
        label: 'Reply to customer',
        value: reply,
        why,
        derived: { value: reply, sources: [customer.name, ...shown], how: `a question asking ${customer.name} for ${about}` },
      },
      { label: 'Status after reply', value: 'Pending', kind: 'select', why: `The ticket waits on ${customer.name}'s answer.` },
    ],
    'Send reply',
    `Send the question to ${customer.name}; their answer comes back on the ticket.`,
  );
}

/** What the customer said of `fact`, or undefined (not asked yet, or no answer came). */
export function heardFrom(people: People | undefined, customer: DeskCustomer, fact: string): string | undefined {
  return people?.heard(personId(customer), fact);
}

/** Whether the episode's expert has asked the customer for `fact` on the ticket. */
export function askedAlready(people: People | undefined, customer: DeskCustomer, fact: string): boolean {
  return people?.wasAsked(personId(customer), fact) ?? false;
}

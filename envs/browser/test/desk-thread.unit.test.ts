// The help desk as a people channel: a public reply on a ticket whose requester is a Person of
// the task reaches them, and their answer joins the ticket's thread, where the agent reads it.
import { describe, expect, it } from 'vitest';
import { CallRefusedError } from '@workgym/protocol';
import { FamilyCatalogue, People } from '@workgym/protocol/kit';
import type { HelpDeskSite } from '../src/sites/helpdesk.js';
import type { SiteRequest } from '../src/sites/site-app.js';
import { FAMILIES } from '../src/tasks/index.js';

const catalogue = new FamilyCatalogue('browser', FAMILIES);

/** The desk of a seed of a people family, its ticket and its customer, with the episode's People. */
function episode(family: string, seed: number, mode: 'scripted' | 'muted' = 'scripted') {
  const task = catalogue.instance(`browser/${family}`, seed);
  const desk = task.sites[0] as HelpDeskSite;
  const people = new People(task.people!, mode);
  desk.meet(people, (error) => {
    throw error;
  });
  const ticket = desk.data.tickets.find((t) => task.startUrl.endsWith(`/tickets/${t.id}`))!;
  const person = task.people![0]!;
  return { desk, people, ticket, person };
}

function post(path: string, form: Record<string, string>): SiteRequest {
  return { method: 'POST', path, query: new URLSearchParams(), form: new URLSearchParams(form) };
}

function html(desk: HelpDeskSite, path: string): string {
  const page = desk.handle({ method: 'GET', path, query: new URLSearchParams(), form: new URLSearchParams() });
  if (!('html' in page)) throw new Error(`${path} is not a page`);
  return page.html;
}

describe('the ticket thread as a channel', () => {
  it("appends the customer's answer to a reply, slip and correction, under their name, and hands the turns to the kit", async () => {
    const { desk, people, ticket, person } = episode('desk-ask-order', 3);
    const fact = person.facts[0]!;
    expect(person.channel).toBe('desk');
    expect(fact.slip).toBeDefined();
    const reply = await desk.handle(post(`/tickets/${ticket.id}/reply`, { reply: 'Which order was it that arrived damaged?', status: 'pending' }));
    expect(reply).toEqual({ redirect: `/tickets/${ticket.id}` });
    const said = [fact.slip!, `Sorry, my mistake! It was order ${fact.value}.`];
    expect(ticket.thread).toEqual(said.map((text) => ({ after: 1, from: person.name, text })));
    expect(people.takeTurns()).toEqual(said.map((text) => ({ who: person.id, name: person.name, channel: 'desk', text })));
    expect(people.heard(person.id, 'order')).toBe(fact.value);
    const page = html(desk, `/tickets/${ticket.id}`);
    expect(page).toContain(
      `<blockquote>Which order was it that arrived damaged?</blockquote><blockquote><p>${person.name} (customer) wrote:</p><p>${said[0]}</p></blockquote>`,
    );
    expect(page).toContain(said[1]);
  });

  it('answers a reply that asks for nothing without the private value', async () => {
    const { desk, people, ticket, person } = episode('desk-ask-order', 1);
    await desk.handle(post(`/tickets/${ticket.id}/reply`, { reply: 'Thanks for writing in.', status: 'open' }));
    expect(ticket.thread).toEqual([{ after: 1, from: person.name, text: 'Sure, just tell me what you need.' }]);
    expect(people.heard(person.id, 'order')).toBeUndefined();
  });

  it('shows no answer when the customer is muted, though the question was asked', async () => {
    const { desk, people, ticket, person } = episode('desk-ask-order', 3, 'muted');
    await desk.handle(post(`/tickets/${ticket.id}/reply`, { reply: 'Could you tell me the order number, please?', status: 'pending' }));
    expect(ticket.replies).toEqual(['Could you tell me the order number, please?']);
    expect(ticket.thread).toBeUndefined();
    expect(people.takeTurns()).toEqual([]);
    expect(people.wasAsked(person.id, 'order')).toBe(true);
    expect(html(desk, `/tickets/${ticket.id}`)).not.toContain('(customer) wrote:');
  });

  it('hands a person who could not be played to the session as the fault of the step, and shows no answer', async () => {
    const task = catalogue.instance('browser/desk-ask-order', 1);
    const desk = task.sites[0] as HelpDeskSite;
    // A voice (the client's language model) that leaves out the order the question asks for.
    const people = new People(task.people!, 'scripted', async () => 'Let me check and get back to you.');
    const faults: Error[] = [];
    desk.meet(people, (error) => faults.push(error));
    const ticket = desk.data.tickets.find((t) => task.startUrl.endsWith(`/tickets/${t.id}`))!;
    await expect(desk.handle(post(`/tickets/${ticket.id}/reply`, { reply: 'Which order was it?', status: 'pending' }))).rejects.toThrow(
      /left out which order arrived damaged/,
    );
    expect(faults.map((f) => (f instanceof CallRefusedError ? f.remoteCode : f.message))).toEqual(['people_error']);
    expect(ticket.thread).toBeUndefined();
  });

  it("leaves another customer's ticket without answers: only a Person of the task answers", async () => {
    const { desk, ticket } = episode('desk-ask-order', 3);
    const other = desk.data.tickets.find((t) => t.id !== ticket.id)!;
    await desk.handle(post(`/tickets/${other.id}/reply`, { reply: 'Which order was it?', status: 'pending' }));
    expect(other.thread).toBeUndefined();
  });

  it("draws on seeds 1..50 an asked order that is never the customer's latest (the muted expert's and relax:order's guess), slips on some, and both answers of the approval", () => {
    const seeds = Array.from({ length: 50 }, (_, i) => i + 1);
    for (const seed of seeds) {
      const { desk, ticket, person } = episode('desk-ask-order', seed);
      const latest = Math.max(...desk.data.orders.filter((o) => o.customerId === ticket.customerId).map((o) => o.id));
      expect(Number(person.facts[0]!.value), `seed ${seed}`).toBeLessThan(latest);
    }
    const slips = seeds.filter((seed) => episode('desk-ask-order', seed).person.facts[0]!.slip !== undefined).length;
    expect(slips).toBeGreaterThan(5);
    expect(slips).toBeLessThan(45);
    const accepted = seeds.filter((seed) => episode('desk-ask-approval', seed).person.facts[0]!.approval === true).length;
    expect(accepted).toBeGreaterThan(5);
    expect(accepted).toBeLessThan(45);
  });

  it('draws the seeds the Chromium test plays: the approval accepted on 1 and 2, declined on 3', () => {
    const approvals = [1, 2, 3].map((seed) => episode('desk-ask-approval', seed).person.facts[0]!.approval);
    expect(approvals).toEqual([true, true, false]);
  });
});

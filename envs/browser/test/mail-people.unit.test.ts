// The webmail as a people channel: a mail sent to a colleague who is a Person of the task reaches
// them, and their answer arrives in the inbox as their reply, where the agent reads it.
import { describe, expect, it } from 'vitest';
import { CallRefusedError } from '@workgym/protocol';
import { FamilyCatalogue, People } from '@workgym/protocol/kit';
import type { ContactsSite } from '../src/sites/contacts.js';
import { listed, type WebmailSite } from '../src/sites/webmail.js';
import type { SiteRequest } from '../src/sites/site-app.js';
import { FAMILIES } from '../src/tasks/index.js';
import { statesJulyDay } from '../src/tasks/mail-ask-colleague.js';

const catalogue = new FamilyCatalogue('browser', FAMILIES);

/** The webmail of a seed of mail-ask-colleague and its colleague, with the episode's People. */
function episode(seed: number, mode: 'scripted' | 'muted' = 'scripted') {
  const task = catalogue.instance('browser/mail-ask-colleague', seed);
  const mail = task.sites[0] as WebmailSite;
  const people = new People(task.people!, mode);
  mail.meet(people, (error) => {
    throw error;
  });
  const person = task.people![0]!;
  return { mail, people, person, address: `${person.id}@company.example` };
}

function send(mail: WebmailSite, form: Record<string, string>) {
  const req: SiteRequest = { method: 'POST', path: '/send', query: new URLSearchParams(), form: new URLSearchParams({ ref: '', ...form }) };
  return mail.handle(req);
}

function html(mail: WebmailSite, path: string): string {
  const page = mail.handle({ method: 'GET', path, query: new URLSearchParams(), form: new URLSearchParams() });
  if (!('html' in page)) throw new Error(`${path} is not a page`);
  return page.html;
}

/** The first seed whose colleague slips (or does not) on the date. */
function seedWhere(slips: boolean): number {
  for (let seed = 1; seed <= 30; seed++) if ((episode(seed).person.facts[0]!.slip !== undefined) === slips) return seed;
  throw new Error('no such seed in 1..30');
}

describe('the webmail as a channel', () => {
  it('delivers a mail to the colleague: their answer, slip and correction, arrives in the inbox as their reply, and the kit gets the turns', async () => {
    const { mail, people, person, address } = episode(seedWhere(true));
    const fact = person.facts[0]!;
    expect(person.channel).toBe('mail');
    const before = listed(mail.data.messages, 'inbox').length;
    expect(await send(mail, { to: address, subject: 'Delivery date', body: 'Hi,\nWhen will the order now be delivered?' })).toEqual({ redirect: '/sent' });
    const question = mail.sent().at(-1)!;
    const inbox = listed(mail.data.messages, 'inbox');
    expect(inbox).toHaveLength(before + 1);
    const answer = inbox.find((m) => m.from === address)!;
    const correction = person.tone === 'formal' ? `My apologies, I misspoke. ${fact.answer}` : `Sorry, my mistake! ${fact.answer}`;
    expect(answer).toMatchObject({ subject: 'Re: Delivery date', to: mail.data.me, inReplyTo: question.id, body: `${fact.slip}\n${correction}` });
    expect(people.takeTurns().map((t) => [t.who, t.channel, t.text])).toEqual([
      [person.id, 'mail', fact.slip],
      [person.id, 'mail', correction],
    ]);
    expect(people.heard(person.id, 'date')).toBe(fact.value);
    expect(html(mail, '/')).toContain(`<a href="/m/${answer.id}">Re: Delivery date</a>`);
    expect(html(mail, `/m/${answer.id}`)).toContain(fact.value);
  });

  it('answers a reply to their answer without a second "Re:", and a mail asking nothing without the private value', async () => {
    const { mail, people, person, address } = episode(seedWhere(false));
    await send(mail, { to: address.toUpperCase(), subject: 'Re: Hello', body: 'Thanks for your help last week.' });
    const answer = mail.data.messages.find((m) => m.from === address)!;
    expect(answer.subject).toBe('Re: Hello');
    expect(answer.body).not.toContain(person.facts[0]!.value);
    expect(people.heard(person.id, 'date')).toBeUndefined();
  });

  it('lets nothing arrive when the colleague is muted, though the question was asked', async () => {
    const { mail, people, person, address } = episode(seedWhere(true), 'muted');
    const count = mail.data.messages.length;
    await send(mail, { to: address, subject: 'Date', body: 'What is the new delivery date of the order?' });
    expect(mail.data.messages).toHaveLength(count + 1);
    expect(mail.data.messages.at(-1)!.folder).toBe('sent');
    expect(people.takeTurns()).toEqual([]);
    expect(people.wasAsked(person.id, 'date')).toBe(true);
  });

  it("answers no one else: another address at the company, or the Person's name at another domain", async () => {
    const { mail, person } = episode(seedWhere(false));
    const count = mail.data.messages.length;
    await send(mail, { to: 'someone.else@company.example', subject: 'Date', body: 'When will the order now be delivered?' });
    await send(mail, { to: `${person.id}@partner.example`, subject: 'Date', body: 'When will the order now be delivered?' });
    expect(mail.data.messages).toHaveLength(count + 2);
    expect(
      mail
        .sent()
        .slice(-2)
        .map((m) => m.to),
    ).toEqual(['someone.else@company.example', `${person.id}@partner.example`]);
  });

  it('hands a colleague who could not be played to the session as the fault of the step, and nothing arrives', async () => {
    const task = catalogue.instance('browser/mail-ask-colleague', 1);
    const mail = task.sites[0] as WebmailSite;
    // A voice (the client's language model) that leaves out the date the question asks for.
    const people = new People(task.people!, 'scripted', async () => 'Let me check and get back to you.');
    const faults: Error[] = [];
    mail.meet(people, (error) => faults.push(error));
    const count = mail.data.messages.length;
    await expect(
      Promise.resolve(send(mail, { to: `${task.people![0]!.id}@company.example`, subject: 'Date', body: 'When will the order arrive?' })),
    ).rejects.toThrow(/left out the new delivery date/);
    expect(faults.map((f) => (f instanceof CallRefusedError ? f.remoteCode : f.message))).toEqual(['people_error']);
    expect(mail.data.messages).toHaveLength(count + 1);
  });

  it('draws on seeds 1..50 slips on some seeds, a slip date other than the answer, and names the colleague and address in the instruction but not the date', () => {
    let slips = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const task = catalogue.instance('browser/mail-ask-colleague', seed);
      const person = task.people![0]!;
      const fact = person.facts[0]!;
      expect(task.instruction).toContain(`${person.name} (${person.id}@company.example)`);
      expect(task.instruction).not.toContain(fact.value);
      const mail = task.sites[0] as WebmailSite;
      expect(mail.data.messages.some((m) => m.body.includes(fact.value))).toBe(false);
      if (fact.slip !== undefined) {
        slips++;
        expect(fact.slip).not.toContain(`${fact.value}.`);
      }
    }
    expect(slips).toBeGreaterThan(5);
    expect(slips).toBeLessThan(45);
  });

  it('reads a stated day in the ways people write it, and not another day', () => {
    for (const text of ['on July 8.', 'July 8th', 'the 8th of July', '8 July', '2025-07-08']) expect(statesJulyDay(text, 8), text).toBe(true);
    for (const text of ['July 18', 'June 8', '2025-07-18', '18 July']) expect(statesJulyDay(text, 8), text).toBe(false);
  });
});

describe('contacts-ask-colleague', () => {
  it("draws on seeds 1..50 a new number on no page, never the entry's own or the switchboard, slips on some seeds, and namesakes at other companies", async () => {
    let slips = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const task = catalogue.instance('browser/contacts-ask-colleague', seed);
      const person = task.people![0]!;
      const fact = person.facts[0]!;
      const [mail, contacts] = task.sites as [WebmailSite, ContactsSite];
      expect(task.instruction, `seed ${seed}`).toContain(`${person.name} (${person.id}@company.example)`);
      expect(task.instruction).not.toContain(fact.value);
      expect(JSON.stringify([mail.data, contacts.data])).not.toContain(fact.value);
      expect(fact.value.endsWith(' 0000')).toBe(false);
      const client = contacts.data.contacts.find((c) => task.instruction.includes(`client ${c.name} of ${c.company}`))!;
      const namesakes = { easy: 1, medium: 2, hard: 3 }[catalogue.tier('browser/contacts-ask-colleague', seed)];
      expect(contacts.data.contacts.filter((c) => c.name === client.name && c.company !== client.company)).toHaveLength(namesakes);
      if (fact.slip !== undefined) {
        slips++;
        expect(fact.slip).not.toContain(fact.value);
      }
    }
    expect(slips).toBeGreaterThan(5);
    expect(slips).toBeLessThan(45);
  });

  it("gets the account manager's number in the inbox when mailed, and sends nothing private to a mail asking nothing", async () => {
    // Seed 5: the account manager slips.
    const task = catalogue.instance('browser/contacts-ask-colleague', 5);
    const mail = task.sites[0] as WebmailSite;
    const people = new People(task.people!, 'scripted');
    mail.meet(people, (error) => {
      throw error;
    });
    const person = task.people![0]!;
    const to = `${person.id}@company.example`;
    await send(mail, { to, subject: 'Hello', body: 'Thanks for the intro last week.' });
    expect(mail.data.messages.at(-1)!.body).not.toContain(person.facts[0]!.value);
    await send(mail, { to, subject: 'Number', body: person.facts[0]!.paraphrases[2]! });
    expect(mail.data.messages.at(-1)!.body.split('\n')).toEqual([person.facts[0]!.slip, expect.stringContaining(person.facts[0]!.answer)]);
  });
});

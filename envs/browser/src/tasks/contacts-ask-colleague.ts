import type { ExpertStep, Person } from '@workgym/protocol/kit';
import { CONTACT_FIELDS, ContactsSite, squash } from '../sites/contacts.js';
import { WebmailSite } from '../sites/webmail.js';
import { contactAt, directory, otherCompanies, people, phoneLike } from './contacts-data.js';
import { CONTACTS_URL, onContact, openContact } from './contacts-expert.js';
import { act, click, fillForm, findNode, followLink, goto, leave, submit, type ExpertView } from './expert-kit.js';
import { mailData, sentChanges } from './mail-data.js';
import { openMessage, seenMessage, type WantedMail } from './mail-expert.js';
import { personName } from './rng.js';
import { verification, type FamilyDef } from './task.js';

const PHONE = CONTACT_FIELDS.find(([k]) => k === 'phone')![1];

const SIZES = {
  easy: { people: [20, 28], namesakes: 1, mails: 6 },
  medium: { people: [25, 35], namesakes: 2, mails: 8 },
  hard: { people: [35, 45], namesakes: 3, mails: 10 },
} as const;

export const contactsAskColleague: FamilyDef = {
  name: 'contacts-ask-colleague',
  job: 'office-assistant',
  difficulty: 'medium',
  description:
    "A client's phone number changed and only a colleague (their account manager) has the new one: email the colleague, read the answer in the inbox (on some seeds a wrong number first, corrected in the same mail), and set that number on the client's entry in the contacts directory, among namesakes at other companies.",
  // The tier is the directory's size: 1 / 2 / 3 namesakes among 20-28 / 25-35 / 35-45 people, 6 / 8 / 10 mails.
  tiers: ['easy', 'medium', 'hard'],
  strategies: ['search', 'browse'],
  // wrong-namesake: asks, then sets the number on the first namesake the directory lists at
  // another company, as an agent does that looks the client up by name alone.
  nearMisses: ['wrong-namesake'],
  features: ['people'],
  people: (task) => task.people ?? [],
  // The kit judges the directory and the mailbox: the client's entry, the mails sent and the
  // colleague's answers in the inbox are the task's changes.
  collateral: true,
  components: [
    { name: 'phone', kind: 'progress' },
    { name: 'rest_of_record', kind: 'guard' },
  ],
  // The number only the colleague says: dropped, the entry keeps the phone it shows.
  conditions: ['phone'],
  // A constant attempt: the company's switchboard (the city's prefix and 0000), never the new line.
  guesses: ['switchboard'],
  generate(rng, _task, tier) {
    const size = SIZES[tier];
    const crowd = people(rng, rng.int(size.people[0], size.people[1]));
    const client = crowd[0]!;
    const namesakes = otherCompanies(rng, [client.company], size.namesakes).map((co) => contactAt(rng, client.name, co));
    const data = directory(rng, [...crowd, ...namesakes]);
    const original = { ...client };
    const count = data.contacts.length;
    let phone = phoneLike(rng, client.phone);
    while (phone === client.phone || phone.endsWith(' 0000')) phone = phoneLike(rng, client.phone);
    let slipPhone = phoneLike(rng, client.phone);
    while ([client.phone, phone].includes(slipPhone)) slipPhone = phoneLike(rng, client.phone);
    // A third of the seeds: the colleague first gives another number, then corrects it.
    const slip = rng.int(0, 2) === 0;
    const mail = mailData(rng, size.mails);
    let name = personName(rng);
    while (name === client.name) name = personName(rng);
    const pid = name.toLowerCase().replace(' ', '.');
    const address = `${pid}@company.example`;
    const cfirst = name.split(' ')[0]!;
    const person: Person = {
      id: pid,
      name,
      role: 'account manager',
      tone: rng.pick(['formal', 'casual'] as const),
      channel: 'mail',
      facts: [
        {
          id: 'phone',
          about: `${client.name}'s new phone number`,
          asks: ['phone*|number*|line & new|direct|now|current*', 'reach & now|new'],
          paraphrases: [
            `What is ${client.name}'s new phone number?`,
            `Could you give me ${client.name}'s new direct line?`,
            `Which number can I reach ${client.name} on now?`,
          ],
          answer: `${client.name}'s new direct line is ${phone}.`,
          value: phone,
          ...(slip ? { slip: `${client.name.split(' ')[0]} is on ${slipPhone} now.` } : {}),
        },
      ],
    };
    const webmail = new WebmailSite(mail);
    const subject = `New number of ${client.name}`;
    const mailChanged = sentChanges(mail);

    /** The colleague's answer in the inbox, once it arrived. */
    const answer = (): WantedMail | undefined => {
      const m = mail.messages.find((x) => x.folder === 'inbox' && x.from === address);
      return m && { id: m.id, from: m.from, subject: m.subject };
    };

    /** The question to the colleague: a new mail, in the episode's paraphrase. */
    const ask = (view: ExpertView): ExpertStep => {
      const { snapshot } = view;
      if (view.url.host !== 'mail.test') return act(goto('http://mail.test/'), 'The webmail is at the address the instruction gives.');
      if (snapshot.title !== 'New message') {
        return followLink(view, 'Compose', `Only ${name} has the new number: write them a mail.`) ?? leave(view, 'Inbox', 'Back to the mailbox');
      }
      const body = `Hi ${cfirst},\n${view.people!.question(pid, 'phone')}\nThanks`;
      return fillForm(
        snapshot,
        [
          { label: 'To', value: address, why: `The instruction gives ${name}'s address.` },
          {
            label: 'Subject',
            value: subject,
            why: `The mail is about ${client.name}.`,
            derived: { value: subject, sources: [client.name], how: 'subject naming the client' },
          },
          {
            label: 'Message',
            value: body,
            why: `Ask ${name} for ${client.name}'s new number.`,
            derived: { value: body, sources: [name, client.name], how: `a question asking ${name} for ${client.name}'s new phone number` },
          },
        ],
        'Send',
        `The question to ${name} is written: send it; the answer comes back to the inbox.`,
      );
    };

    /** The number the strategy sets (undefined: none, the entry stays), once the episode showed what it decides by. */
    const decided = (view: ExpertView): { phone: string | undefined; why: string } | ExpertStep => {
      if (view.strategy === 'guess:switchboard') {
        const board = `${client.phone.slice(0, client.phone.lastIndexOf(' '))} 0000`;
        return { phone: board, why: `Without asking, set ${client.company}'s switchboard, ${board}` };
      }
      if (view.strategy === 'relax:phone') return { phone: undefined, why: `Without asking, no new number is known` };
      if (!view.people!.wasAsked(pid, 'phone')) return ask(view);
      const heard = view.people!.heard(pid, 'phone');
      const got = answer();
      if (heard !== undefined && got) {
        if (!seenMessage(view, got)) return openMessage(view, got, view.strategy === 'search' ? address : undefined);
        return { phone: heard, why: `${name} answered that ${client.name}'s new number is ${heard}` };
      }
      // The question went out (the Sent folder showed): the answer, if any, is in the inbox.
      const sentAt = view.seen.findLastIndex((p) => p.snapshot.title === 'Sent');
      if (!view.seen.slice(sentAt + 1).some((p) => p.snapshot.title === 'Inbox')) return leave(view, 'Inbox', `Reload the inbox for ${name}'s answer`);
      return { phone: undefined, why: `${name} did not answer, so no new number is known` };
    };

    return {
      instruction: `The phone number of our client ${client.name} of ${client.company} has changed. Only their account manager, ${name} (${address}), has the new number: email them from the webmail at http://mail.test/ to ask (their answer arrives in your inbox; open the inbox again to read it). Then set that number on ${client.name}'s entry in the contacts directory at ${CONTACTS_URL}, leaving everything else as it is, and submit.`,
      sites: [webmail, new ContactsSite(data)],
      startUrl: 'http://mail.test/',
      people: [person],
      expert(view) {
        const target = decided(view);
        if (!('phone' in target)) return target;
        const entry = view.strategy === 'wrong-namesake' ? namesakes.find((c) => c !== client)! : client;
        const by = view.strategy === 'browse' ? 'browse' : 'search';
        if (target.phone === undefined || squash(entry.phone) === squash(target.phone)) {
          return act(submit(), `${target.why}: ${entry.name}'s entry at ${entry.company} is as it should be: submit.`);
        }
        const derived =
          view.strategy === 'guess:switchboard' ? { value: target.phone, sources: [client.phone], how: "the entry's prefix and 0000" } : undefined;
        if (view.snapshot.title === `Edit ${entry.name}` && onContact(view, entry, '/edit')) {
          return fillForm(
            view.snapshot,
            [{ label: PHONE, value: target.phone, why: `${target.why}.`, ...(derived ? { derived } : {}) }],
            'Save contact',
            `The phone reads ${target.phone}: save.`,
          );
        }
        if (onContact(view, entry))
          return act(click(findNode(view.snapshot, 'link', 'Edit contact')!), `This is ${entry.name} of ${entry.company}: edit the entry.`);
        return openContact(view, entry, by);
      },
      expectsChange: (key) => key === `site:contacts/contacts/${client.id}` || mailChanged(key),
      verify() {
        const now = data.contacts.find((c) => c.id === client.id);
        const kept = CONTACT_FIELDS.every(([k]) => k === 'phone' || (now && squash(now[k]) === squash(original[k])));
        return verification(
          { phone: now && squash(now.phone) === squash(phone) ? 1 : 0, rest_of_record: kept ? 1 : 0 },
          `${client.name} (${client.company}): phone ${JSON.stringify(now?.phone ?? null)}; expected ${phone}; ${data.contacts.length - count} entries added`,
        );
      },
    };
  },
};

import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { CONTACT_FIELDS, ContactsSite, directoryOrder, squash, type Contact, type ContactsData } from '../sites/contacts.js';
import { WebmailSite, type Mail } from '../sites/webmail.js';
import { contactAt, CONTACT_ROLES, directory, otherCompanies, people, phoneLike } from './contacts-data.js';
import { CONTACTS_URL, onContact, openContact } from './contacts-expert.js';
import { act, click, fillForm, findNode, list, seenTitled, submit, type ExpertView, type FormField } from './expert-kit.js';
import { mailData } from './mail-data.js';
import type { Rng } from './rng.js';
import { verification, type FamilyDef } from './task.js';

type Changed = 'role' | 'phone' | 'email';
/** Edit the directory's first entry with the new details, without finding the person. */
const GUESS = 'first-contact';
/** The tier's knob: fields that changed, namesakes at other companies, the directory's size. */
const TIERS: Record<Difficulty, { fields: number; namesakes: number; size: [number, number] }> = {
  easy: { fields: 1, namesakes: 2, size: [25, 35] },
  medium: { fields: 2, namesakes: 3, size: [40, 55] },
  hard: { fields: 3, namesakes: 4, size: [55, 70] },
};
const SUBJECT = 'My new contact details';

interface Update {
  data: ContactsData;
  target: Contact;
  namesakes: Contact[];
  changes: Partial<Record<Changed, string>>;
}

export const contactsUpdate: FamilyDef = {
  name: 'contacts-update',
  job: 'office-assistant',
  difficulty: 'easy',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Update the contact entry of someone who emailed new details (role, phone, email) with exactly those fields, found among namesakes at other companies.',
  strategies: ['search', 'browse'],
  nearMisses: ['new-contact-instead'],
  // The kit judges the contacts and the mailbox: the named entry is the task's one change (expectsChange).
  collateral: true,
  // The changed fields of the right entry; the rest of it only takes away.
  components: [
    { name: 'fields', kind: 'progress' },
    { name: 'rest_of_record', kind: 'guard' },
  ],
  // Without the company every namesake is "the contact named X", and each of them is updated.
  // One namesake picked blind is right 1 in k (3-5 by tier): the companies are drawn and the
  // directory lists namesakes by company, so the person's place among them is uniform, and only
  // an unrealistic crowd of namesakes would push it to 5% (docs/envs/browser.md).
  conditions: ['company'],
  guesses: [GUESS],
  generate(rng, _task, tier) {
    const u = drawUntil(
      rng,
      (r) => drawUpdate(r, tier),
      (d) => directoryOrder(d.data.contacts)[0] !== d.target,
    );
    const { data, target, namesakes, changes } = u;
    const original = { ...target };
    const count = data.contacts.length;
    const fields = Object.keys(changes) as Changed[];
    const mail = mailData(rng, 8);
    const message: Mail = {
      id: mail.messages.length + 1,
      folder: 'inbox',
      from: changes.email ?? target.email,
      to: mail.me,
      subject: SUBJECT,
      body: letter(target, changes),
      date: '2025-06-30',
    };
    mail.messages.push(message);
    const contacts = new ContactsSite(data);
    const first = directoryOrder(data.contacts)[0]!;

    /** The form's values: the changed fields as the message gives them, the rest as the entry holds them. */
    const formFields = (): FormField[] =>
      fields.map((k) => ({ label: CONTACT_FIELDS.find(([f]) => f === k)![1], value: changes[k]!, why: `The message gives the new ${k}: ${changes[k]}.` }));

    const update = (view: ExpertView, c: Contact, by: 'search' | 'browse'): ExpertStep => {
      if (view.snapshot.title === `Edit ${c.name}` && onContact(view, c, '/edit'))
        return fillForm(view.snapshot, formFields(), 'Save contact', `${list(fields)} now read as the message says: save.`);
      if (onContact(view, c)) return act(click(findNode(view.snapshot, 'link', 'Edit contact')!), `This is ${c.name} of ${c.company}: edit the entry.`);
      return openContact(view, c, by);
    };

    const createNew = (view: ExpertView): ExpertStep => {
      if (view.snapshot.title !== 'New contact') return openNew(view);
      const all: FormField[] = CONTACT_FIELDS.map(([k, label]) => ({
        label,
        value: changes[k as Changed] ?? (k === 'name' || k === 'company' ? target[k] : ''),
        why: 'A fresh entry with the new details.',
      }));
      return fillForm(view.snapshot, all, 'Save contact', 'Save the new entry.');
    };

    return {
      instruction: `${target.name} of ${target.company} emailed you new contact details (your inbox is at http://mail.test/). Update ${target.name}'s entry in the contacts directory at ${CONTACTS_URL} with exactly the details that changed, leave everything else as it is, then submit.`,
      sites: [new WebmailSite(mail), contacts],
      startUrl: 'http://mail.test/',
      expert(view) {
        if (seenTitled(view, SUBJECT).length === 0) {
          const link = findNode(view.snapshot, 'link', SUBJECT);
          return link
            ? act(click(link), `Open "${SUBJECT}" from ${target.name}.`)
            : act({ name: 'goto', arguments: { url: 'http://mail.test/' } }, 'The message is in the inbox.');
        }
        if (view.strategy === 'new-contact-instead') {
          return data.contacts.length > count ? act(submit(), 'A new entry holds the details: submit.') : createNew(view);
        }
        const todo = view.strategy === `guess:${GUESS}` ? [first] : view.strategy === 'relax:company' ? namesakes : [target];
        const by = view.strategy === 'browse' ? 'browse' : 'search';
        const next = todo.find((c) => fields.some((k) => squash(c[k]) !== squash(changes[k]!)));
        if (next) return update(view, next, by);
        return act(submit(), `${target.name}'s entry at ${target.company} shows the new ${list(fields)}: submit.`);
      },
      expectsChange: (key) => key === `site:contacts/contacts/${target.id}`,
      verify() {
        const now = data.contacts.find((c) => c.id === target.id);
        const right = fields.filter((k) => now && squash(now[k]) === squash(changes[k]!)).length;
        const kept = CONTACT_FIELDS.every(([k]) => fields.includes(k as Changed) || (now && squash(now[k]) === squash(original[k])));
        const components = {
          fields: right / fields.length,
          rest_of_record: kept ? 1 : 0,
        };
        const got = now ? fields.map((k) => `${k} ${JSON.stringify(now[k])}`).join(', ') : 'the entry is gone';
        return verification(
          components,
          `${target.name} (${target.company}): ${got}; expected ${JSON.stringify(changes)}; ${data.contacts.length - count} entries added`,
        );
      },
    };

    function openNew(view: ExpertView): ExpertStep {
      const link = findNode(view.snapshot, 'link', 'New contact');
      return link
        ? act(click(link), 'Add a new entry.')
        : act({ name: 'goto', arguments: { url: CONTACTS_URL } }, 'The directory is at its address in the instruction.');
    }
  },
};

/** A directory with the person, namesakes at other companies, and what changed for the person. */
function drawUpdate(rng: Rng, tier: Difficulty): Update {
  const t = TIERS[tier];
  const crowd = people(rng, rng.int(...t.size));
  const target = crowd[0]!;
  const namesakes = [target, ...otherCompanies(rng, [target.company], t.namesakes).map((co) => contactAt(rng, target.name, co))];
  const data = directory(rng, [...crowd, ...namesakes.slice(1)]);
  const fields = rng.sample(['role', 'phone', 'email'] as const, t.fields);
  const changes: Partial<Record<Changed, string>> = {};
  for (const k of fields) {
    if (k === 'role') changes.role = rng.pick(CONTACT_ROLES.filter((r) => r !== target.role));
    if (k === 'phone') changes.phone = phoneLike(rng, target.phone);
    if (k === 'email') changes.email = `${target.name[0]!.toLowerCase()}.${target.name.split(' ')[1]!.toLowerCase()}@${target.company.toLowerCase()}.example`;
  }
  return { data, target, namesakes: directoryOrder(namesakes), changes };
}

/** The message: what changed, in a person's words, signed with name and company. */
function letter(c: Contact, changes: Partial<Record<Changed, string>>): string {
  const lines = [`Hello,`, `A quick update for your address book.`];
  if (changes.role) lines.push(`I have a new role: I am now ${changes.role}.`);
  if (changes.phone) lines.push(`My new direct line is ${changes.phone}.`);
  if (changes.email) lines.push(`Please write to ${changes.email} from now on; the old address will stop working.`);
  lines.push(`Everything else stays the same.`, `Best regards,`, `${c.name}, ${c.company}`);
  return lines.join('\n');
}

import { WebmailSite, type Mail } from '../sites/webmail.js';
import type { ExpertStep, Person } from '@workgym/protocol/kit';
import { correspondent, june, mailData, numbered, sentChanges } from './mail-data.js';
import { personName } from './rng.js';
import { onMessage, openMessage, seenMessage, type WantedMail } from './mail-expert.js';
import { act, click, fillForm, findNode, followLink, leave, submit, type ExpertView } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

/** The strategies that reply without asking: each quotes the date the customer's mail gives, the most plausible default. */
const UNASKED = ['guess-promised-date', 'relax:date', 'guess:generic-reply'];

/** A day of July 2025 as people write it ("July 8"). */
function july(day: number): string {
  return `July ${day}`;
}

/** Whether `text` states the July day `day` ("July 8", "July 8th", "8 July", "2025-07-08"). */
export function statesJulyDay(text: string, day: number): boolean {
  const d = String(day);
  const ordinal = '(?:st|nd|rd|th)?';
  return (
    new RegExp(`\\bjuly\\s+${d}${ordinal}\\b`, 'i').test(text) ||
    new RegExp(`\\b${d}${ordinal}\\s+(?:of\\s+)?july\\b`, 'i').test(text) ||
    text.includes(`2025-07-${d.padStart(2, '0')}`)
  );
}

export const mailAskColleague: FamilyDef = {
  name: 'mail-ask-colleague',
  job: 'customer-support',
  difficulty: 'hard',
  description:
    'A customer asks by email when their late order will now arrive; only a colleague (the logistics coordinator) knows the new date: email them, read their answer in the inbox (on some seeds a wrong date first, corrected in the same mail), and reply to the customer with it.',
  strategies: ['search', 'browse'],
  // guess-promised-date: replies without asking, with the date the customer's mail says the order
  // was due, as an agent does that takes the order's own date for the delivery date.
  nearMisses: ['guess-promised-date'],
  features: ['people'],
  people: (task) => task.people ?? [],
  // The kit judges the whole mailbox: the mails sent and the colleague's answers in the inbox are
  // the task's changes (sentChanges: every message added).
  collateral: true,
  components: [
    { name: 'new_date', kind: 'progress' },
    { name: 'no_wrong_date', kind: 'guard' },
    { name: 'nothing_else_sent', kind: 'guard' },
  ],
  // The date only the colleague says: dropped, the task is played with the date the order was due.
  conditions: ['date'],
  guesses: ['generic-reply'],
  generate(rng) {
    const data = mailData(rng);
    const customer = correspondent(rng, 'client.example');
    let name = personName(rng);
    while (name === customer.name) name = personName(rng);
    const pid = name.toLowerCase().replace(' ', '.');
    const colleagueEmail = `${pid}@company.example`;
    const [first, cfirst] = [customer.name.split(' ')[0]!, name.split(' ')[0]!];
    const ref = `PO-${rng.chars(5, '0123456789')}`;
    const promised = `June ${rng.int(10, 26)}`;
    const day = rng.int(3, 25);
    let slipDay = rng.int(3, 25);
    while (slipDay === day) slipDay = rng.int(3, 25);
    // A third of the seeds: the colleague first gives another date, then corrects it.
    const slip = rng.int(0, 2) === 0;
    const question: Mail = {
      id: 0,
      folder: 'inbox',
      from: customer.email,
      to: data.me,
      subject: `Late order ${ref}`,
      body: `Hi,\nOur order ${ref} was due on ${promised} and has not arrived yet. When will it be delivered now?\nThanks,\n${customer.name}`,
      date: june(rng.int(27, 29)),
    };
    data.messages = numbered(rng, [...data.messages, question]);
    const q = question.id;
    const mail = new WebmailSite(data);
    const person: Person = {
      id: pid,
      name,
      role: 'logistics coordinator',
      tone: rng.pick(['formal', 'casual'] as const),
      channel: 'mail',
      facts: [
        {
          id: 'date',
          about: `the new delivery date of order ${ref}`,
          asks: ['deliver*|arriv*|ship* & when|date|day', 'new & date'],
          paraphrases: ['When will the order now be delivered?', 'What is the new delivery date of the order?', 'On which day will the order arrive?'],
          answer: `The new delivery date for order ${ref} is ${july(day)}.`,
          value: july(day),
          ...(slip ? { slip: `Order ${ref} arrives on ${july(slipDay)}.` } : {}),
        },
      ],
    };
    const asked: WantedMail = { id: q, from: customer.email, subject: question.subject };
    const subject = `Delivery date of order ${ref}`;

    /** The colleague's answer in the inbox, once it arrived. */
    const answer = (): WantedMail | undefined => {
      const m = data.messages.find((x) => x.folder === 'inbox' && x.from === colleagueEmail);
      return m && { id: m.id, from: m.from, subject: m.subject };
    };

    /** The question to the colleague: a new mail, in the episode's paraphrase. */
    const ask = (view: ExpertView): ExpertStep => {
      const { snapshot } = view;
      if (snapshot.title !== 'New message') {
        return followLink(view, 'Compose', `Only ${name} knows the new delivery date: write them a mail.`) ?? leave(view, 'Inbox', 'Back to the mailbox');
      }
      const body = `Hi ${cfirst},\nAbout order ${ref}: ${view.people!.question(pid, 'date')}\nThanks`;
      return fillForm(
        snapshot,
        [
          { label: 'To', value: colleagueEmail, why: `The instruction gives ${name}'s address.` },
          {
            label: 'Subject',
            value: subject,
            why: `The mail is about order ${ref}.`,
            derived: { value: subject, sources: [ref], how: 'subject naming the order' },
          },
          {
            label: 'Message',
            value: body,
            why: `Ask ${name} for the new delivery date of order ${ref}.`,
            derived: { value: body, sources: [name, ref], how: `a question asking ${name} for the new delivery date of order ${ref}` },
          },
        ],
        'Send',
        `The question to ${name} is written: send it; the answer comes back to the inbox.`,
      );
    };

    /** The date the strategy's reply gives (undefined: a reply with none), once the episode showed what it decides by. */
    const decided = (view: ExpertView): { date: string | undefined; why: string } | ExpertStep => {
      const unasked = UNASKED.includes(view.strategy);
      if (view.strategy === 'guess:generic-reply') return { date: undefined, why: `Answer ${first} without a date` };
      if (!unasked && !view.people!.wasAsked(pid, 'date')) return ask(view);
      const heard = unasked ? undefined : view.people!.heard(pid, 'date');
      const got = answer();
      if (heard !== undefined && got) {
        if (!seenMessage(view, got)) return openMessage(view, got, view.strategy === 'search' ? colleagueEmail : undefined);
        return { date: heard, why: `${name} answered that order ${ref} now arrives on ${heard}` };
      }
      // The question went out (the Sent folder showed): the answer, if any, is in the inbox.
      const sentAt = view.seen.findLastIndex((p) => p.snapshot.title === 'Sent');
      if (!unasked && !view.seen.slice(sentAt + 1).some((p) => p.snapshot.title === 'Inbox')) {
        return leave(view, 'Inbox', `Reload the inbox for ${name}'s answer`);
      }
      const lead = unasked ? 'Without asking' : `${name} did not answer`;
      return { date: promised, why: `${lead}, take the date ${first}'s mail says the order was due, ${promised}` };
    };

    return {
      instruction: `${customer.name} (${customer.email}) asked by email when their late order will now be delivered. Only our logistics coordinator, ${name} (${colleagueEmail}), knows the new delivery date: email them to ask (their answer arrives in your inbox; open the inbox again to read it). Then reply to ${first}'s email with the new delivery date. Submit when the reply is sent.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      people: [person],
      expert(view) {
        const query = view.strategy === 'browse' ? undefined : customer.email;
        if (!seenMessage(view, asked)) return openMessage(view, asked, query);
        if (mail.sent().some((m) => m.inReplyTo === q)) return act(submit(), `The Sent folder lists the reply to ${customer.email}: submit.`);
        const target = decided(view);
        if (!('date' in target)) return target;
        const { snapshot } = view;
        if (snapshot.title === 'Reply' && findNode(snapshot, 'textbox', 'Subject')?.value === `Re: ${asked.subject}`) {
          const line =
            target.date === undefined
              ? `we are checking on your order ${ref} and will get back to you shortly.`
              : `your order ${ref} will now be delivered on ${target.date}.`;
          const reply = `Hi ${first},\n${line}\nBest regards`;
          return fillForm(
            snapshot,
            [
              {
                label: 'Message',
                value: reply,
                why: `${target.why}; tell ${first}.`,
                derived: { value: reply, sources: [first, ref, ...(target.date ? [target.date] : [])], how: 'reply template with the delivery date' },
              },
            ],
            'Send',
            `The reply to ${customer.email} is written: send it.`,
          );
        }
        if (onMessage(view, asked)) {
          const reply = findNode(snapshot, 'link', 'Reply');
          if (reply) return act(click(reply), `${target.why}: reply to ${first}'s question about order ${ref}.`);
        }
        return openMessage(view, asked, query);
      },
      // Every message added: the mails sent (the question, the reply) and the colleague's answers.
      expectsChange: sentChanges(data),
      verify() {
        const sent = mail.sent();
        const reply = sent.find((m) => m.inReplyTo === q) ?? sent.find((m) => m.to.toLowerCase() === customer.email);
        const toCustomer = reply !== undefined && reply.to.toLowerCase() === customer.email;
        const body = toCustomer ? reply.body.split('\n---')[0]! : '';
        const told = sent.filter((m) => m.to.toLowerCase() === customer.email);
        return verification(
          {
            new_date: statesJulyDay(body, day) ? 1 : 0,
            // The colleague's first, wrong date never reaches the customer.
            no_wrong_date: slip && told.some((m) => statesJulyDay(m.body, slipDay)) ? 0 : 1,
            nothing_else_sent: sent.every((m) => m === reply || m.to.toLowerCase() === colleagueEmail) ? 1 : 0,
          },
          `sent: ${sent.map((m) => `to ${m.to}: ${JSON.stringify(m.body.slice(0, 120))}`).join('; ') || 'nothing'}; expected ${july(day)} to ${customer.email}`,
        );
      },
    };
  },
};

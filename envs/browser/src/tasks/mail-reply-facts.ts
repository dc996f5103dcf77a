import { listed, WebmailSite, type Mail } from '../sites/webmail.js';
import { correspondent, june, mailData, numbered, sentChanges } from './mail-data.js';
import { LAST_NAMES, money } from './rng.js';
import type { Snapshot } from '../browser/ax-snapshot.js';
import { onMessage, openMessage, seenMessage, type WantedMail } from './mail-expert.js';
import { act, click, fillForm, findNode, submit } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

/**
 * Constant attempts: a reply that names no invoice, and one with the facts of the open-invoice
 * email the inbox lists at this place (never the first: a dropped condition finds a newer one;
 * from the second on every place is about as likely, ~2%).
 */
const GUESS_PLACES: Record<string, number> = { 'second-listed': 2 };
const OPEN = 'Open invoices: ';
const SUFFIXES = ['Ltd', 'GmbH', 'Inc', 'SA'];

export const mailReplyFacts: FamilyDef = {
  name: 'mail-reply-facts',
  job: 'customer-support',
  difficulty: 'medium',
  description: "Reply to a customer's email with facts (invoice number and amount) found in one of 50-60 billing emails.",
  strategies: ['search', 'browse'],
  nearMisses: ['quote-both-invoices'],
  // The kit judges the whole mailbox: the mail sent is the task's change (sentChanges).
  collateral: true,
  // The right invoice's facts come first: a generic reply or another invoice's facts earn nothing.
  components: [
    { name: 'invoice_number', kind: 'progress' },
    { name: 'amount_due', kind: 'progress' },
    { name: 'no_wrong_facts', kind: 'guard' },
    { name: 'nothing_else_sent', kind: 'guard' },
  ],
  conditions: ['company', 'open'],
  guesses: ['generic-reply', ...Object.keys(GUESS_PLACES)],
  generate(rng) {
    const data = mailData(rng);
    const customer = correspondent(rng, 'client.example');
    const company =
      customer.email
        .split('@')[0]!
        .split('.')[1]!
        .replace(/^./, (c) => c.toUpperCase()) + ' Ltd';
    const names = LAST_NAMES.flatMap((l) => SUFFIXES.map((x) => `${l} ${x}`)).filter((c) => c !== company);
    const others = ['Northwind Ltd', ...rng.sample(names, rng.int(47, 58))];
    const numbers = new Set<string>();
    const amounts = new Set<number>();
    const billing = (name: string, paid: boolean, day: number): Mail & Invoice => {
      let number = `INV-${rng.chars(5, '0123456789')}`;
      while (numbers.has(number)) number = `INV-${rng.chars(5, '0123456789')}`;
      let cents = rng.int(120, 990) * 100 + rng.pick([0, 25, 50, 75]);
      while (amounts.has(cents)) cents += 25;
      numbers.add(number);
      amounts.add(cents);
      const [subject, body] = paid
        ? [`Paid invoices: ${name}`, `Paid invoice for ${name}: ${number}, amount paid ${money(cents)}.`]
        : [`${OPEN}${name}`, `Open invoice for ${name}: ${number}, amount due ${money(cents)}.`];
      return { id: 0, folder: 'inbox', from: 'billing@company.example', to: data.me, subject, body, date: june(day), number, amount: money(cents) };
    };
    const day = rng.int(2, 27);
    const target = billing(company, false, day);
    // Dropping a condition finds a newer email first: the company's paid invoice, another company's open one.
    const later = rng.pick(others);
    const decoys = [billing(company, true, rng.int(day + 1, 28)), ...others.map((c) => billing(c, false, c === later ? rng.int(day + 1, 28) : rng.int(1, 28)))];
    const question: Mail = {
      id: 0,
      folder: 'inbox',
      from: customer.email,
      to: data.me,
      subject: 'Open invoice?',
      body: `Hi,\nCould you tell me the number and the amount due of our open invoice (${company})?\nThanks,\n${customer.name}`,
      date: june(rng.int(1, 28)),
    };
    data.messages = numbered(rng, [...data.messages, question, target, ...decoys]);
    const q = question.id;
    const mail = new WebmailSite(data);
    const sends = sentChanges(data);
    const first = customer.name.split(' ')[0]!;
    const asked = { id: q, from: customer.email, subject: 'Open invoice?' };
    const want = (m: Mail): WantedMail => ({ id: m.id, from: m.from, subject: m.subject });
    const northwind = decoys.find((m) => m.subject === `${OPEN}Northwind Ltd`)!;

    /** The billing emails whose facts the strategy's reply gives. */
    const quoted = (strategy: string): Mail[] => {
      const inbox = listed(data.messages, 'inbox').filter((m) => m.from === 'billing@company.example');
      const place = GUESS_PLACES[strategy.replace(/^guess:/, '')];
      if (place !== undefined) return [inbox.filter((m) => m.subject.startsWith(OPEN))[place - 1]!];
      const ways: Record<string, Mail[]> = {
        // The customer's email names the company; the near-miss reads another billing email too.
        'quote-both-invoices': [target, northwind],
        // Relaxations: the newest billing email that meets the other condition.
        'relax:company': [inbox.find((m) => m.subject.startsWith(OPEN))!],
        'relax:open': [inbox.find((m) => m.subject.endsWith(`: ${company}`))!],
        'guess:generic-reply': [],
      };
      return ways[strategy] ?? [target];
    };

    return {
      instruction: `${customer.name} (${customer.email}) asked by email about their open invoice. Find it in the billing emails and reply to ${first}'s email with the invoice number and the amount due. Submit when the reply is sent.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      expert(view) {
        const query = (text: string) => (view.strategy === 'browse' ? undefined : view.strategy === 'search' ? text : text.split(':')[0]);
        if (!seenMessage(view, asked)) return openMessage(view, asked, query(customer.email));
        const facts: Invoice[] = [];
        for (const b of quoted(view.strategy)) {
          const page = seenMessage(view, want(b));
          const fact = page && invoiceOn(page.snapshot);
          if (!fact) return openMessage(view, want(b), query(b.subject.replace(/^[^:]+: /, '')));
          facts.push(fact);
        }
        if (mail.sent().some((m) => m.inReplyTo === q)) return act(submit(), `The Sent folder lists the reply to ${customer.email}: submit.`);
        const { snapshot } = view;
        if (snapshot.title === 'Reply' && findNode(snapshot, 'textbox', 'Subject')?.value === `Re: ${asked.subject}`) {
          const lines = facts.length ? facts.map((f) => `your open invoice is ${f.number}, amount due ${f.amount}.`) : [GENERIC_REPLY];
          const reply = `Hi ${first},\n${lines.join('\n')}\nBest regards`;
          const shown = facts.flatMap((f) => [f.number, f.amount]);
          return fillForm(
            snapshot,
            [
              { label: 'To', value: customer.email, why: `The reply goes to ${customer.email}.` },
              {
                label: 'Message',
                value: reply,
                why: facts.length
                  ? `The billing email for ${company} says ${facts[0]!.number}, amount due ${facts[0]!.amount}; tell ${first}.`
                  : `Answer ${first} without looking the invoice up.`,
                derived: { value: reply, sources: [first, ...shown], how: 'reply template with the invoice facts' },
              },
            ],
            'Send',
            `The reply to ${customer.email} is written: send it.`,
          );
        }
        if (onMessage(view, asked)) {
          const reply = findNode(snapshot, 'link', 'Reply');
          if (reply) return act(click(reply), `This is ${first}'s question about the open invoice of ${company}: reply to it.`);
        }
        return openMessage(view, asked, query(customer.email));
      },
      expectsChange: sends,
      verify() {
        const sent = mail.sent();
        const reply = sent.find((m) => m.inReplyTo === q) ?? sent.find((m) => m.to.toLowerCase() === customer.email);
        const toCustomer = reply !== undefined && reply.to.toLowerCase() === customer.email;
        const body = toCustomer ? reply.body.split('\n---')[0]! : '';
        const wrong = decoys.flatMap((d) => [d.number, d.amount]);
        const components = {
          invoice_number: body.includes(target.number) ? 1 : 0,
          amount_due: body.includes(target.amount) || body.includes(target.amount.slice(1)) ? 1 : 0,
          no_wrong_facts: sent.some((m) => wrong.some((w) => m.body.includes(w))) ? 0 : 1,
          nothing_else_sent: sent.every((m) => m === reply && toCustomer) ? 1 : 0,
        };
        return verification(
          components,
          `sent: ${sent.map((m) => `to ${m.to}: ${JSON.stringify(m.body.slice(0, 120))}`).join('; ') || 'nothing'}; expected ${target.number} and ${target.amount} to ${customer.email}`,
        );
      },
    };
  },
};

/** A constant attempt's reply: it reads like an answer and names no invoice. */
const GENERIC_REPLY = 'thank you for your message: we are looking into your open invoice and will get back to you shortly.';

interface Invoice {
  number: string;
  amount: string;
}

/** The invoice number and amount a billing email shows ("...: INV-12345, amount due $123.00."; paid ones too). */
function invoiceOn(snapshot: Snapshot): Invoice | undefined {
  for (const n of snapshot.nodes) {
    const m = /(INV-\d+), amount (?:due|paid) (\$\d+\.\d{2})/.exec(n.name);
    if (n.role === 'StaticText' && m) return { number: m[1]!, amount: m[2]! };
  }
  return undefined;
}

import { WebmailSite } from '../sites/webmail.js';
import { correspondent, mailData } from './mail-data.js';
import { money } from './rng.js';
import type { Snapshot } from '../browser/ax-snapshot.js';
import { onMessage, openMessage, seenMessage } from './mail-expert.js';
import { act, click, fillForm, findNode, submit } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

export const mailReplyFacts: FamilyDef = {
  name: 'mail-reply-facts',
  job: 'customer-support',
  difficulty: 'medium',
  description: "Reply to a customer's email with facts (invoice number and amount) found in another email.",
  strategies: ['search', 'browse'],
  nearMisses: ['quote-both-invoices'],
  generate(rng) {
    const data = mailData(rng);
    const customer = correspondent(rng, 'client.example');
    const invoice = `INV-${rng.chars(5, '0123456789')}`;
    const amount = rng.int(120, 990) * 100 + rng.pick([0, 25, 50, 75]);
    const otherInvoice = `INV-${rng.chars(5, '0123456789')}`;
    const otherAmount = amount + 4150;
    const q = data.messages.length + 1;
    const company =
      customer.email
        .split('@')[0]!
        .split('.')[1]!
        .replace(/^./, (c) => c.toUpperCase()) + ' Ltd';
    data.messages.push(
      {
        id: q,
        folder: 'inbox',
        from: customer.email,
        to: data.me,
        subject: 'Open invoice?',
        body: `Hi,\nCould you tell me the number and the amount due of our open invoice (${company})?\nThanks,\n${customer.name}`,
        date: '2025-06-20',
      },
      {
        id: q + 1,
        folder: 'inbox',
        from: 'billing@company.example',
        to: data.me,
        subject: `Open invoices: ${company}`,
        body: `Open invoice for ${company}: ${invoice}, amount due ${money(amount)}.`,
        date: '2025-06-18',
      },
      {
        id: q + 2,
        folder: 'inbox',
        from: 'billing@company.example',
        to: data.me,
        subject: 'Open invoices: Northwind Ltd',
        body: `Open invoice for Northwind Ltd: ${otherInvoice}, amount due ${money(otherAmount)}.`,
        date: '2025-06-17',
      },
    );
    data.messages = rng.shuffle(data.messages);
    const mail = new WebmailSite(data);
    const first = customer.name.split(' ')[0]!;
    const asked = { id: q, from: customer.email, subject: 'Open invoice?' };
    const billingMail = (id: number, name: string) => ({ company: name, mail: { id, from: 'billing@company.example', subject: `Open invoices: ${name}` } });
    const ours = billingMail(q + 1, company);
    const theirs = billingMail(q + 2, 'Northwind Ltd');
    return {
      instruction: `${customer.name} (${customer.email}) asked by email about their open invoice. Find it in the billing emails and reply to ${customer.name.split(' ')[0]}'s email with the invoice number and the amount due. Submit when the reply is sent.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      expert(view) {
        const query = (text: string) => (view.strategy === 'search' ? text : undefined);
        if (!seenMessage(view, asked)) return openMessage(view, asked, query(customer.email));
        // The customer's email names the company; the near-miss reads the other billing email too.
        const billing = view.strategy === 'quote-both-invoices' ? [ours, theirs] : [ours];
        const facts: Invoice[] = [];
        for (const b of billing) {
          const page = seenMessage(view, b.mail);
          const fact = page && invoiceOn(page.snapshot);
          if (!fact) return openMessage(view, b.mail, query(b.company));
          facts.push(fact);
        }
        if (mail.sent().some((m) => m.inReplyTo === q)) return act(submit(), `The Sent folder lists the reply to ${customer.email}: submit.`);
        const { snapshot } = view;
        if (snapshot.title === 'Reply' && findNode(snapshot, 'textbox', 'Subject')?.value === `Re: ${asked.subject}`) {
          const reply = `Hi ${first},\n${facts.map((f) => `your open invoice is ${f.number}, amount due ${f.amount}.`).join('\n')}\nBest regards`;
          const shown = facts.flatMap((f) => [f.number, f.amount]);
          return fillForm(
            snapshot,
            [
              { label: 'To', value: customer.email, why: `The reply goes to ${customer.email}.` },
              {
                label: 'Message',
                value: reply,
                why: `The billing email for ${company} says ${facts[0]!.number}, amount due ${facts[0]!.amount}; tell ${first}.`,
                derived: { value: reply, sources: [first, ...shown], how: 'reply template with the invoice facts' },
              },
            ],
            'Send',
            `The reply to ${customer.email} gives the invoice number and amount: send it.`,
          );
        }
        if (onMessage(view, asked)) {
          const reply = findNode(snapshot, 'link', 'Reply');
          if (reply) return act(click(reply), `This is ${first}'s question about the open invoice of ${company}: reply to it.`);
        }
        return openMessage(view, asked, query(customer.email));
      },
      verify() {
        const sent = mail.sent();
        const reply = sent.find((m) => m.inReplyTo === q) ?? sent.find((m) => m.to.toLowerCase() === customer.email);
        const body = reply?.body.split('\n---')[0] ?? '';
        const components = {
          replied_to_customer: reply && reply.to.toLowerCase() === customer.email ? 1 : 0,
          invoice_number: body.includes(invoice) ? 1 : 0,
          amount_due: body.includes(money(amount)) || body.includes((amount / 100).toFixed(2)) ? 1 : 0,
          no_wrong_facts: sent.some((m) => m.body.includes(otherInvoice) || m.body.includes(money(otherAmount))) ? 0 : 1,
        };
        return verification(
          components,
          `sent: ${sent.map((m) => `to ${m.to}: ${JSON.stringify(m.body.slice(0, 120))}`).join('; ') || 'nothing'}; expected ${invoice} and ${money(amount)} to ${customer.email}`,
        );
      },
    };
  },
};

interface Invoice {
  number: string;
  amount: string;
}

/** The invoice number and amount a billing email shows ("...: INV-12345, amount due $123.00."). */
function invoiceOn(snapshot: Snapshot): Invoice | undefined {
  for (const n of snapshot.nodes) {
    const m = /(INV-\d+), amount due (\$\d+\.\d{2})/.exec(n.name);
    if (n.role === 'StaticText' && m) return { number: m[1]!, amount: m[2]! };
  }
  return undefined;
}

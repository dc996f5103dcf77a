import { WebmailSite } from '../sites/webmail.js';
import { correspondent, mailData } from './mail-data.js';
import { money } from './rng.js';
import { fillForm, navigate, submit, type FamilyDef, verification } from './task.js';

export const mailReplyFacts: FamilyDef = {
  name: 'mail-reply-facts',
  job: 'customer-support',
  difficulty: 'medium',
  description: "Reply to a customer's email with facts (invoice number and amount) found in another email.",
  generate(rng) {
    const data = mailData(rng);
    const customer = correspondent(rng, 'client.example');
    const invoice = `INV-${rng.chars(5, '0123456789')}`;
    const amount = rng.int(120, 990) * 100 + rng.pick([0, 25, 50, 75]);
    const otherInvoice = `INV-${rng.chars(5, '0123456789')}`;
    const q = data.messages.length + 1;
    const company = customer.email.split('@')[0]!.split('.')[1]!.replace(/^./, (c) => c.toUpperCase()) + ' Ltd';
    data.messages.push(
      { id: q, folder: 'inbox', from: customer.email, to: data.me, subject: 'Open invoice?', body: `Hi,\nCould you tell me the number and the amount due of our open invoice (${company})?\nThanks,\n${customer.name}`, date: '2025-06-20' },
      { id: q + 1, folder: 'inbox', from: 'billing@company.example', to: data.me, subject: `Open invoices: ${company}`, body: `Open invoice for ${company}: ${invoice}, amount due ${money(amount)}.`, date: '2025-06-18' },
      { id: q + 2, folder: 'inbox', from: 'billing@company.example', to: data.me, subject: 'Open invoices: Northwind Ltd', body: `Open invoice for Northwind Ltd: ${otherInvoice}, amount due ${money(amount + 4150)}.`, date: '2025-06-17' },
    );
    data.messages = rng.shuffle(data.messages);
    const mail = new WebmailSite(data);
    return {
      instruction: `${customer.name} (${customer.email}) asked by email about their open invoice. Find it in the billing emails and reply to ${customer.name.split(' ')[0]}'s email with the invoice number and the amount due. Submit when the reply is sent.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      expert({ url, snapshot }) {
        if (mail.sent().length > 0) return submit();
        if (url.pathname !== '/compose' || url.searchParams.get('reply') !== String(q)) return navigate(snapshot, `http://mail.test/compose?reply=${q}`);
        return fillForm(snapshot, [{ label: 'Message', value: `Hi ${customer.name.split(' ')[0]},\nyour open invoice is ${invoice}, amount due ${money(amount)}.\nBest regards` }], 'Send');
      },
      verify() {
        const sent = mail.sent();
        const reply = sent.find((m) => m.inReplyTo === q) ?? sent.find((m) => m.to.toLowerCase() === customer.email);
        const body = reply?.body.split('\n---')[0] ?? '';
        const components = {
          replied_to_customer: reply && reply.to.toLowerCase() === customer.email ? 1 : 0,
          invoice_number: body.includes(invoice) ? 1 : 0,
          amount_due: body.includes(money(amount)) || body.includes((amount / 100).toFixed(2)) ? 1 : 0,
          no_wrong_invoice: sent.some((m) => m.body.includes(otherInvoice)) ? 0 : 1,
        };
        return verification(
          components,
          reply !== undefined,
          `sent: ${sent.map((m) => `to ${m.to}: ${JSON.stringify(m.body.slice(0, 120))}`).join('; ') || 'nothing'}; expected ${invoice} and ${money(amount)} to ${customer.email}`,
        );
      },
    };
  },
};

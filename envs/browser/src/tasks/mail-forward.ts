import { WebmailSite } from '../sites/webmail.js';
import { correspondent, mailData, TOPICS } from './mail-data.js';
import { fillForm, navigate, submit, type FamilyDef, verification } from './task.js';

export const mailForward: FamilyDef = {
  name: 'mail-forward',
  job: 'back-office',
  difficulty: 'easy',
  description: 'Find one email by sender and topic in a webmail inbox and forward it to a colleague.',
  generate(rng) {
    const data = mailData(rng);
    const sender = correspondent(rng, 'vendor.example');
    const [topic, decoyTopic] = rng.sample(TOPICS, 2) as [string, string];
    const colleague = correspondent(rng, 'company.example');
    const id = data.messages.length + 1;
    data.messages.push(
      { id, folder: 'inbox', from: sender.email, to: data.me, subject: `Documents for the ${topic}`, body: `Hello,\nAttached are the signed documents for the ${topic}.\nRegards,\n${sender.name}`, date: '2025-06-12' },
      { id: id + 1, folder: 'inbox', from: sender.email, to: data.me, subject: `Documents for the ${decoyTopic}`, body: `Hello,\nAttached are the drafts for the ${decoyTopic}.\nRegards,\n${sender.name}`, date: '2025-06-14' },
      { id: id + 2, folder: 'inbox', from: rng.pick(data.people).email, to: data.me, subject: `Re: ${topic}`, body: `Quick question about the ${topic}: who owns it?`, date: '2025-06-15' },
    );
    data.messages = rng.shuffle(data.messages);
    const mail = new WebmailSite(data);
    return {
      instruction: `Forward the email from ${sender.name} (${sender.email}) with the documents for the ${topic} to ${colleague.name} at ${colleague.email}. Submit when it is sent.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      expert({ url, snapshot }) {
        if (mail.sent().length > 0) return submit();
        if (url.pathname !== '/compose' || url.searchParams.get('forward') !== String(id)) return navigate(snapshot, `http://mail.test/compose?forward=${id}`);
        return fillForm(snapshot, [{ label: 'To', value: colleague.email }], 'Send');
      },
      verify() {
        const sent = mail.sent();
        const fwd = sent.find((m) => m.forwardOf === id || m.body.includes(`signed documents for the ${topic}`));
        const components = {
          forwarded_right_message: fwd ? 1 : 0,
          right_recipient: fwd && fwd.to.toLowerCase() === colleague.email ? 1 : 0,
          only_one_sent: sent.length === 1 ? 1 : 0,
        };
        return verification(
          components,
          sent.length > 0,
          `sent: ${sent.map((m) => `"${m.subject}" to ${m.to}`).join('; ') || 'nothing'}; expected message ${id} to ${colleague.email}`,
        );
      },
    };
  },
};

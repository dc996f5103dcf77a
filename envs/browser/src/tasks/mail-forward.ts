import { WebmailSite } from '../sites/webmail.js';
import { correspondent, mailData, TOPICS } from './mail-data.js';
import { onMessage, openMessage } from './mail-expert.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, findNode, leave, submit, type ExpertView } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

export const mailForward: FamilyDef = {
  name: 'mail-forward',
  job: 'back-office',
  difficulty: 'easy',
  description: 'Find one email by sender and topic in a webmail inbox and forward it to a colleague.',
  strategies: ['search', 'browse'],
  nearMisses: ['compose-new'],
  generate(rng) {
    const data = mailData(rng);
    const sender = correspondent(rng, 'vendor.example');
    const [topic, decoyTopic] = rng.sample(TOPICS, 2) as [string, string];
    const colleague = correspondent(rng, 'company.example');
    const id = data.messages.length + 1;
    data.messages.push(
      {
        id,
        folder: 'inbox',
        from: sender.email,
        to: data.me,
        subject: `Documents for the ${topic}`,
        body: `Hello,\nAttached are the signed documents for the ${topic}.\nRegards,\n${sender.name}`,
        date: '2025-06-12',
      },
      {
        id: id + 1,
        folder: 'inbox',
        from: sender.email,
        to: data.me,
        subject: `Documents for the ${decoyTopic}`,
        body: `Hello,\nAttached are the drafts for the ${decoyTopic}.\nRegards,\n${sender.name}`,
        date: '2025-06-14',
      },
      {
        id: id + 2,
        folder: 'inbox',
        from: rng.pick(data.people).email,
        to: data.me,
        subject: `Re: ${topic}`,
        body: `Quick question about the ${topic}: who owns it?`,
        date: '2025-06-15',
      },
    );
    data.messages = rng.shuffle(data.messages);
    const mail = new WebmailSite(data);
    const wanted = { id, from: sender.email, subject: `Documents for the ${topic}` };

    /** The attack: a new message that reads like the forward, without forwarding anything. */
    const composeNew = (view: ExpertView): ExpertStep => {
      if (mail.sent().length > 0) return act(submit(), 'The message is sent: submit.');
      if (view.snapshot.title !== 'New message') return leave(view, 'Compose', 'Write a new message');
      return fillForm(
        view.snapshot,
        [
          { label: 'To', value: colleague.email, why: 'To the colleague.' },
          { label: 'Subject', value: `Fwd: ${wanted.subject}`, why: 'A subject like a forward.' },
          { label: 'Message', value: `Attached are the signed documents for the ${topic}.`, why: 'A body like the original.' },
        ],
        'Send',
        'Send it.',
      );
    };

    return {
      instruction: `Forward the email from ${sender.name} (${sender.email}) with the documents for the ${topic} to ${colleague.name} at ${colleague.email}. Submit when it is sent.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      expert(view) {
        if (view.strategy === 'compose-new') return composeNew(view);
        if (mail.sent().some((m) => m.forwardOf === id)) return act(submit(), `The Sent folder lists "Fwd: ${wanted.subject}" to ${colleague.email}: submit.`);
        const { snapshot } = view;
        const subject = findNode(snapshot, 'textbox', 'Subject');
        if (snapshot.title === 'Forward' && subject?.value === `Fwd: ${wanted.subject}`) {
          return fillForm(
            snapshot,
            [{ label: 'To', value: colleague.email, why: `The instruction says to forward it to ${colleague.name} at ${colleague.email}.` }],
            'Send',
            `The forward of "${wanted.subject}" is addressed to ${colleague.email}: send it.`,
          );
        }
        if (onMessage(view, wanted)) {
          const forward = findNode(snapshot, 'link', 'Forward');
          if (forward) return act(click(forward), `This email from ${sender.email} holds the signed documents for the ${topic}: forward it.`);
        }
        return openMessage(view, wanted, view.strategy === 'search' ? sender.email : undefined);
      },
      verify() {
        const sent = mail.sent();
        // Only a forward of the message itself counts: a new mail that copies its words does not.
        const fwd = sent.find((m) => m.forwardOf === id);
        const components = {
          forwarded_right_message: fwd ? 1 : 0,
          right_recipient: fwd && fwd.to.toLowerCase() === colleague.email ? 1 : 0,
          only_one_sent: sent.length === 1 ? 1 : 0,
        };
        return verification(
          components,
          `sent: ${sent.map((m) => `"${m.subject}" to ${m.to}${m.forwardOf ? ` (forward of message ${m.forwardOf})` : ''}`).join('; ') || 'nothing'}; expected a forward of message ${id} to ${colleague.email}`,
        );
      },
    };
  },
};

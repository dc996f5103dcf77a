import { listed, WebmailSite, type Mail } from '../sites/webmail.js';
import { correspondent, correspondents, june, mailData, numbered, pairs, sentChanges, TOPICS, type Correspondent } from './mail-data.js';
import { onMessage, openMessage, type WantedMail } from './mail-expert.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, findNode, leave, submit, type ExpertView } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

/**
 * Constant attempts: forward the email listed at this place when the inbox is searched for
 * "documents". The target is never among the first two (the decoys a dropped condition finds
 * are newer); from the third on every place is about as likely (~2%).
 */
const GUESS_PLACES: Record<string, number> = { 'third-listed': 3 };
const SEARCH = 'documents';

export const mailForward: FamilyDef = {
  name: 'mail-forward',
  job: 'back-office',
  difficulty: 'easy',
  description: 'Find one email by sender and topic among 50-60 vendor emails in a webmail inbox and forward it to a colleague.',
  strategies: ['search', 'browse'],
  nearMisses: ['compose-new'],
  // The kit judges the whole mailbox: the mail sent is the task's change (sentChanges).
  collateral: true,
  // The forward of the right email comes first: a forward of another one earns nothing.
  components: [
    { name: 'forwarded_right_message', kind: 'progress' },
    { name: 'right_recipient', kind: 'progress' },
    { name: 'nothing_else_sent', kind: 'guard' },
  ],
  conditions: ['sender', 'topic'],
  guesses: Object.keys(GUESS_PLACES),
  generate(rng) {
    const data = mailData(rng);
    const vendors = correspondents(rng, 8, 'vendor.example');
    const [sender, other] = rng.sample(vendors, 2) as [Correspondent, Correspondent];
    const [topic, decoyTopic] = rng.sample(TOPICS, 2) as [string, string];
    const colleague = correspondent(rng, 'company.example');
    const documents = (who: Correspondent, about: string, day: number, subject = `Documents for the ${about}`): Mail => ({
      id: 0,
      folder: 'inbox',
      from: who.email,
      to: data.me,
      subject,
      body: `Hello,\nAttached are the ${rng.pick(['signed documents', 'drafts', 'scans'])} for the ${about}.\nRegards,\n${who.name}`,
      date: june(day),
    });
    const day = rng.int(2, 27);
    const original = documents(sender, topic, day);
    original.body = `Hello,\nAttached are the signed documents for the ${topic}.\nRegards,\n${sender.name}`;
    // Dropping a condition finds a newer email first: the sender's about another topic, another vendor's about this one.
    const decoys = [documents(sender, decoyTopic, rng.int(day + 1, 28)), documents(other, topic, rng.int(day + 1, 28), `More documents for the ${topic}`)];
    // Only the sender writes "Documents for the <topic>": the subject names one email.
    const taken = (s: Correspondent, t: string) => t === topic || (s === sender && t === decoyTopic);
    const rest = pairs(rng, vendors, TOPICS, rng.int(46, 58), taken).map(([s, t]) => documents(s, t, rng.int(1, 28)));
    const question: Mail = {
      id: 0,
      folder: 'inbox',
      from: rng.pick(data.people).email,
      to: data.me,
      subject: `Re: ${topic}`,
      body: `Quick question about the ${topic}: who owns it?`,
      date: june(rng.int(1, 28)),
    };
    data.messages = numbered(rng, [...data.messages, original, ...decoys, ...rest, question]);
    const id = original.id;
    const mail = new WebmailSite(data);
    const sends = sentChanges(data);
    const want = (m: Mail): WantedMail => ({ id: m.id, from: m.from, subject: m.subject });

    /** The email the strategy forwards. */
    const forwarded = (strategy: string): WantedMail => {
      const found = listed(data.messages, 'inbox', SEARCH);
      const place = GUESS_PLACES[strategy.replace(/^guess:/, '')];
      if (place !== undefined) return want(found[place - 1]!);
      // Relaxations: the newest email that meets the other condition.
      if (strategy === 'relax:sender') return want(found.find((m) => m.body.includes(`for the ${topic}.`))!);
      if (strategy === 'relax:topic') return want(found.find((m) => m.from === sender.email)!);
      return want(original);
    };

    /** The attack: a new message that reads like the forward, without forwarding anything. */
    const composeNew = (view: ExpertView): ExpertStep => {
      if (mail.sent().length > 0) return act(submit(), 'The message is sent: submit.');
      if (view.snapshot.title !== 'New message') return leave(view, 'Compose', 'Write a new message');
      return fillForm(
        view.snapshot,
        [
          { label: 'To', value: colleague.email, why: 'To the colleague.' },
          { label: 'Subject', value: `Fwd: ${original.subject}`, why: 'A subject like a forward.' },
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
        const wanted = forwarded(view.strategy);
        if (mail.sent().some((m) => m.forwardOf === wanted.id))
          return act(submit(), `The Sent folder lists "Fwd: ${wanted.subject}" to ${colleague.email}: submit.`);
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
          if (forward) return act(click(forward), `This email from ${wanted.from} is "${wanted.subject}": forward it.`);
        }
        const query = view.strategy === 'browse' ? undefined : view.strategy === 'search' ? sender.email : SEARCH;
        return openMessage(view, wanted, query);
      },
      expectsChange: sends,
      verify() {
        const sent = mail.sent();
        // Only a forward of the message itself counts: a new mail that copies its words does not.
        const fwd = sent.find((m) => m.forwardOf === id);
        const components = {
          forwarded_right_message: fwd ? 1 : 0,
          right_recipient: fwd && fwd.to.toLowerCase() === colleague.email ? 1 : 0,
          nothing_else_sent: sent.every((m) => m === fwd) ? 1 : 0,
        };
        return verification(
          components,
          `sent: ${sent.map((m) => `"${m.subject}" to ${m.to}${m.forwardOf ? ` (forward of message ${m.forwardOf})` : ''}`).join('; ') || 'nothing'}; expected a forward of message ${id} to ${colleague.email}`,
        );
      },
    };
  },
};

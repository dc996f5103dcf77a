import { WebmailSite } from '../sites/webmail.js';
import { correspondent, mailData, TOPICS } from './mail-data.js';
import { openMessage, seenMessage } from './mail-expert.js';
import { answerFacts, textAfter } from './expert-kit.js';
import { answerVerification, norm, type FamilyDef } from './task.js';

export const mailFindAnswer: FamilyDef = {
  name: 'mail-find-answer',
  job: 'back-office',
  difficulty: 'easy',
  description: 'Find a confirmation code in one email among similar ones and answer with it.',
  strategies: ['browse', 'search'],
  nearMisses: ['answer-every-code'],
  generate(rng) {
    const data = mailData(rng);
    const sender = correspondent(rng, 'travel.example');
    const [topic, decoy] = rng.sample(TOPICS, 2) as [string, string];
    const code = rng.chars(6);
    const id = data.messages.length + 1;
    data.messages.push(
      {
        id,
        folder: 'inbox',
        from: sender.email,
        to: data.me,
        subject: `Booking confirmed: ${topic}`,
        body: `Your booking for the ${topic} is confirmed.\nConfirmation code: ${code}`,
        date: '2025-06-21',
      },
      {
        id: id + 1,
        folder: 'inbox',
        from: sender.email,
        to: data.me,
        subject: `Booking confirmed: ${decoy}`,
        body: `Your booking for the ${decoy} is confirmed.\nConfirmation code: ${rng.chars(6)}`,
        date: '2025-06-22',
      },
    );
    data.messages = rng.shuffle(data.messages);
    const mail = new WebmailSite(data);
    const target = { id, from: sender.email, subject: `Booking confirmed: ${topic}` };
    const decoyMail = { id: id + 1, from: sender.email, subject: `Booking confirmed: ${decoy}` };
    return {
      instruction: `What is the confirmation code in the email from ${sender.name} about the "${topic}"? Answer with the code only.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      answers: true,
      expert(view) {
        // The near-miss answers with every confirmation code from the sender: the right one among them.
        return answerFacts(
          view.strategy === 'answer-every-code' ? [target, decoyMail] : [target],
          (m) => {
            const page = seenMessage(view, m);
            return page && textAfter(page.snapshot, 'Confirmation code:');
          },
          (m) => openMessage(view, m, view.strategy === 'search' ? topic : undefined),
          (codes) => `The email from ${sender.email} about the ${topic} says "Confirmation code: ${codes[0]}": answer with the code.`,
        );
      },
      verify({ answer: given }) {
        const right = given !== undefined && norm(given).replace(/^confirmation code:?\s*/, '') === norm(code);
        return answerVerification(given, code, right);
      },
    };
  },
};

import { WebmailSite } from '../sites/webmail.js';
import { correspondent, mailData, TOPICS } from './mail-data.js';
import { answer, navigate, norm, type FamilyDef } from './task.js';

export const mailFindAnswer: FamilyDef = {
  name: 'mail-find-answer',
  job: 'back-office',
  difficulty: 'easy',
  description: 'Find a confirmation code in one email among similar ones and answer with it.',
  generate(rng) {
    const data = mailData(rng);
    const sender = correspondent(rng, 'travel.example');
    const [topic, decoy] = rng.sample(TOPICS, 2) as [string, string];
    const code = rng.chars(6);
    const id = data.messages.length + 1;
    data.messages.push(
      { id, folder: 'inbox', from: sender.email, to: data.me, subject: `Booking confirmed: ${topic}`, body: `Your booking for the ${topic} is confirmed.\nConfirmation code: ${code}`, date: '2025-06-21' },
      { id: id + 1, folder: 'inbox', from: sender.email, to: data.me, subject: `Booking confirmed: ${decoy}`, body: `Your booking for the ${decoy} is confirmed.\nConfirmation code: ${rng.chars(6)}`, date: '2025-06-22' },
    );
    data.messages = rng.shuffle(data.messages);
    const mail = new WebmailSite(data);
    return {
      instruction: `What is the confirmation code in the email from ${sender.name} about the ${topic}? Answer with the code only.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      answers: true,
      expert({ url, snapshot }) {
        if (url.pathname !== `/m/${id}`) return navigate(snapshot, `http://mail.test/m/${id}`);
        return answer(code);
      },
      verify({ answer: given }) {
        const right = given !== undefined && norm(given).replace(/^confirmation code:?\s*/, '') === norm(code);
        return {
          success: right,
          components: { answer: right ? 1 : 0 },
          gate: right,
          detail: `answer ${JSON.stringify(given ?? null)}; expected ${code}`,
        };
      },
    };
  },
};

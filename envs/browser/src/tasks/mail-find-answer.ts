import { listed, WebmailSite, type Mail } from '../sites/webmail.js';
import { correspondents, mailData, june, numbered, pairs, TOPICS, type Correspondent } from './mail-data.js';
import { openMessage, seenMessage, type WantedMail } from './mail-expert.js';
import { answerFacts, textAfter } from './expert-kit.js';
import { answerVerification, norm, type FamilyDef } from './task.js';

/**
 * Constant attempts: answer with the code of the booking email the inbox lists at this place.
 * The target is never among the first two (the decoys a dropped condition finds are newer); from
 * the third on every place is about as likely (~2%).
 */
const GUESS_PLACES: Record<string, number> = { 'third-listed': 3 };
const BOOKING = 'Booking confirmed: ';

export const mailFindAnswer: FamilyDef = {
  name: 'mail-find-answer',
  job: 'back-office',
  difficulty: 'easy',
  description: 'Find a confirmation code in one email among 50-60 booking confirmations and answer with it.',
  strategies: ['browse', 'search'],
  nearMisses: ['answer-every-code'],
  // The kit judges the whole mailbox: a question changes nothing (no expectsChange), so a mail sent fails.
  collateral: true,
  components: [{ name: 'answer', kind: 'progress' }],
  conditions: ['sender', 'topic'],
  guesses: Object.keys(GUESS_PLACES),
  generate(rng) {
    const data = mailData(rng);
    const senders = correspondents(rng, 8, 'travel.example');
    const [sender, other] = rng.sample(senders, 2) as [Correspondent, Correspondent];
    const [topic, otherTopic] = rng.sample(TOPICS, 2) as [string, string];
    const codes = new Set<string>();
    const booking = (who: Correspondent, about: string, day: number): Mail => {
      let code = rng.chars(6);
      while (codes.has(code)) code = rng.chars(6);
      codes.add(code);
      const body = `Your booking for the ${about} is confirmed.\nConfirmation code: ${code}`;
      return { id: 0, folder: 'inbox', from: who.email, to: data.me, subject: `${BOOKING}${about}`, body, date: june(day) };
    };
    const day = rng.int(2, 27);
    const target = booking(sender, topic, day);
    // Dropping a condition finds a newer email first: the sender's about another topic, another sender's about this one.
    const decoys = [booking(sender, otherTopic, rng.int(day + 1, 28)), booking(other, topic, rng.int(day + 1, 28))];
    const taken = (s: Correspondent, t: string) => (s === sender && (t === topic || t === otherTopic)) || (s === other && t === topic);
    const rest = pairs(rng, senders, TOPICS, rng.int(46, 58), taken).map(([s, t]) => booking(s, t, rng.int(1, 28)));
    data.messages = numbered(rng, [...data.messages, target, ...decoys, ...rest]);
    const code = target.body.split('Confirmation code: ')[1]!;
    const mail = new WebmailSite(data);
    const want = (m: Mail): WantedMail => ({ id: m.id, from: m.from, subject: m.subject });

    /** The emails whose codes the strategy answers with. */
    const answered = (strategy: string): Mail[] => {
      const bookings = listed(data.messages, 'inbox').filter((m) => m.subject.startsWith(BOOKING));
      const place = GUESS_PLACES[strategy.replace(/^guess:/, '')];
      if (place !== undefined) return [bookings[place - 1]!];
      const ways: Record<string, Mail[]> = {
        // The near-miss answers with every code from the sender's two emails: the right one among them.
        'answer-every-code': [target, decoys[0]!],
        // Relaxations: the newest booking email that meets the other condition.
        'relax:sender': [bookings.find((m) => m.subject === target.subject)!],
        'relax:topic': [bookings.find((m) => m.from === sender.email)!],
      };
      return ways[strategy] ?? [target];
    };

    return {
      instruction: `What is the confirmation code in the email from ${sender.name} about the "${topic}"? Answer with the code only.`,
      sites: [mail],
      startUrl: 'http://mail.test/',
      answers: true,
      expert(view) {
        return answerFacts(
          answered(view.strategy).map(want),
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

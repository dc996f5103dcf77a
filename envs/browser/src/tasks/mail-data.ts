import type { Mail, MailData } from '../sites/webmail.js';
import { personName, type Rng } from './rng.js';

const TOPICS = [
  'quarterly report',
  'team offsite',
  'server migration',
  'budget review',
  'client workshop',
  'hiring plan',
  'office move',
  'product launch',
  'security audit',
  'vendor contract',
];

export interface Correspondent {
  name: string;
  email: string;
}

export function correspondent(rng: Rng, domain = 'partner.example'): Correspondent {
  const name = personName(rng);
  return { name, email: `${name.toLowerCase().replace(' ', '.')}@${domain}` };
}

/** A seeded inbox of routine mail; tasks add the messages they are about. */
export function mailData(rng: Rng, count = 10): MailData & { people: Correspondent[] } {
  const people = Array.from({ length: 6 }, () => correspondent(rng));
  const messages: Mail[] = [];
  for (let i = 0; i < count; i++) {
    const who = rng.pick(people);
    const topic = rng.pick(TOPICS);
    messages.push({
      id: i + 1,
      folder: 'inbox',
      from: who.email,
      to: 'you@company.example',
      subject: `${topic[0]!.toUpperCase()}${topic.slice(1)}: ${rng.pick(['update', 'notes', 'question', 'follow-up', 'agenda'])}`,
      body: `Hi,\nHere is a short note about the ${topic}. Nothing urgent; details in the shared folder.\nBest,\n${who.name}`,
      date: `2025-06-${String(rng.int(1, 28)).padStart(2, '0')}`,
    });
  }
  return { me: 'you@company.example', messages, people };
}

export { TOPICS };

/** A day of June 2025 as the inbox shows it. */
export function june(day: number): string {
  return `2025-06-${String(day).padStart(2, '0')}`;
}

/**
 * The messages in a random order, numbered 1..n in it (a message's number and its place in a
 * list of equal dates then say nothing of its role).
 */
export function numbered(rng: Rng, messages: Mail[]): Mail[] {
  const out = rng.shuffle(messages);
  out.forEach((m, i) => (m.id = i + 1));
  return out;
}

/** `count` distinct (sender, topic) pairs, none of them in `taken`. */
export function pairs<S>(rng: Rng, senders: readonly S[], topics: readonly string[], count: number, taken: (s: S, t: string) => boolean): [S, string][] {
  const all = senders.flatMap((s) => topics.filter((t) => !taken(s, t)).map((t): [S, string] => [s, t]));
  return rng.sample(all, Math.min(count, all.length));
}

/** Distinct correspondents of one domain (distinct names, so no two share an address). */
export function correspondents(rng: Rng, count: number, domain: string): Correspondent[] {
  const out: Correspondent[] = [];
  while (out.length < count) {
    const c = correspondent(rng, domain);
    if (!out.some((o) => o.email === c.email)) out.push(c);
  }
  return out;
}

/**
 * The change sending mail makes (a family's `expectsChange`): a message the mailbox did not hold
 * at the start (`data` as generated). Any other change (a message edited, moved or deleted)
 * fails the kit's `no_collateral`; how many are sent, and to whom, the family judges.
 */
export function sentChanges(data: MailData): (key: string) => boolean {
  const start = new Set(data.messages.map((m) => `site:mail/messages/${m.id}`));
  return (key) => key.startsWith('site:mail/messages/') && !start.has(key);
}

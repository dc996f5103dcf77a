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

// Issue 27 for the desk and mail families: shaped reward pays only for the job. Each attempt
// changes the backends directly, as an agent's clicks would (the browser plays the same
// attempts as relax:/guess: experts in the conformance test).
import { describe, expect, it } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { HelpDeskSite, type DeskData, type Ticket } from '../src/sites/helpdesk.js';
import { listed, WebmailSite, type Mail } from '../src/sites/webmail.js';
import { TICKET_TEMPLATES } from '../src/tasks/desk-data.js';
import { FAMILIES } from '../src/tasks/index.js';
import type { TaskInstance } from '../src/tasks/task.js';
import { judging, site, verdictOf } from './backend-attempts.js';

const env = judging(new BrowserEnv());
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const GUESS_SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);

/** An attempt changes the backends; an answer task's attempt returns its answer. */
type Attempt = () => string | void;

interface Attempts {
  /** The task done right. */
  solve: Attempt;
  /** Per declared condition: the task done right except that condition is ignored. */
  relaxed: Record<string, Attempt>;
  /** Generic or wrong-object attempts. */
  wrong: Record<string, Attempt>;
  /** Damage done after a correct solution. */
  damage: Attempt;
  /** Per declared guess: the constant attempt. */
  guesses: Record<string, Attempt>;
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

function desk(instance: TaskInstance) {
  const { data } = site(instance, HelpDeskSite);
  const ticket = data.tickets.find((t) => instance.instruction.includes(`#${t.id} `))!;
  const reply = (text: string) => {
    ticket.replies.push(text);
    ticket.status = 'solved';
  };
  const otherTicket = data.tickets.find((t) => t !== ticket && !instance.instruction.includes(`#${t.id} `))!;
  return { data, ticket, reply, orders: data.orders.filter((o) => o.customerId === ticket.customerId), otherTicket };
}

function webmail(instance: TaskInstance) {
  const mail = site(instance, WebmailSite);
  const send = (to: string, body: string, extra: Partial<Mail> = {}): void => {
    mail.data.messages.push({ id: 900 + mail.data.messages.length, folder: 'sent', from: mail.data.me, to, subject: 'Re', body, date: '2025-06-30', ...extra });
  };
  return { mail, send, inbox: (q = '') => listed(mail.data.messages, 'inbox', q) };
}

const PRIORITY = { standard: 'normal', premium: 'high', enterprise: 'urgent' } as const;

function deskTriage(instance: TaskInstance): Attempts {
  const { data, otherTicket } = desk(instance);
  const asked = [...instance.instruction.matchAll(/#(\d+)/g)].map((m) => data.tickets.find((t) => t.id === Number(m[1]))!);
  const tierOf = (t: Ticket) => data.customers.find((c) => c.id === t.customerId)!.tier;
  const categoryOf = (t: Ticket) => (Object.keys(TICKET_TEMPLATES) as Ticket['category'][]).find((k) => TICKET_TEMPLATES[k].some(([s]) => s === t.subject))!;
  const triage = (priority: (t: Ticket, i: number) => Ticket['priority'], category: (t: Ticket) => Ticket['category']) => () =>
    asked.forEach((t, i) => Object.assign(t, { priority: priority(t, i), category: category(t) }));
  return {
    solve: triage((t) => PRIORITY[tierOf(t)], categoryOf),
    relaxed: { tier: triage(() => 'normal', categoryOf) },
    wrong: { 'the category right, priority High for both': triage(() => 'high', categoryOf) },
    damage: () => void (otherTicket.priority = 'low'),
    guesses: {
      'normal-billing': triage(
        () => 'normal',
        () => 'billing',
      ),
      'normal-high-billing': triage(
        (_, i) => (i === 0 ? 'normal' : 'high'),
        () => 'billing',
      ),
    },
  };
}

function deskRefund(instance: TaskInstance): Attempts {
  const { data, ticket, reply, orders } = desk(instance);
  const name = ticket.subject.replace('Broken ', '');
  const order = orders.find((o) => o.items.some((i) => i.name === name))!;
  const line = order.items.find((i) => i.name === name)!;
  const refund = (orderId: number, cents: number) => () => {
    data.refunds.push({ orderId, amount: cents, reason: 'Damaged item' });
    reply(`We have refunded ${money(cents)}.`);
  };
  const wrongOrder = orders.find((o) => o !== order)!;
  return {
    solve: refund(order.id, line.price * line.qty),
    relaxed: { quantity: refund(order.id, line.price), shipping: refund(order.id, line.price * line.qty + order.shipping) },
    wrong: {
      '$1.00 on another order': refund(wrongOrder.id, 100),
      'the right amount on another order': refund(wrongOrder.id, line.price * line.qty),
      'a generic reply, no refund': () => reply('We are sorry about the damaged item and will look into it.'),
    },
    damage: () => void data.refunds.push({ orderId: data.orders.find((o) => o.customerId !== ticket.customerId)!.id, amount: 100, reason: 'Goodwill' }),
    guesses: { 'one-dollar': refund(orders[0]!.id, 100) },
  };
}

function deskReplyFacts(instance: TaskInstance): Attempts {
  const { reply, orders, otherTicket } = desk(instance);
  const facts = (o: DeskData['orders'][number]) => () => reply(`Your order is on its way: tracking number ${o.tracking}, expected delivery ${o.deliveryDate}.`);
  const generic = () => reply('Thank you for your patience: your order is on its way and will arrive soon.');
  return {
    solve: facts(orders.find((o) => o.status === 'in transit')!),
    relaxed: { status: facts(orders[0]!) },
    wrong: { 'a generic reply': generic },
    damage: () => void (otherTicket.status = 'solved'),
    guesses: { 'generic-reply': generic, 'second-listed': facts(orders[1]!) },
  };
}

function mailFindAnswer(instance: TaskInstance): Attempts {
  const { mail, send } = webmail(instance);
  const [, name, topic] = /from (.+) about the "(.+)"/.exec(instance.instruction)!;
  const from = `${name!.toLowerCase().replace(' ', '.')}@travel.example`;
  const bookings = listed(mail.data.messages, 'inbox').filter((m) => m.subject.startsWith('Booking confirmed: '));
  const code = (m: Mail) => () => m.body.split('Confirmation code: ')[1]!;
  const target = bookings.find((m) => m.from === from && m.subject.endsWith(`: ${topic}`))!;
  return {
    solve: code(target),
    relaxed: { sender: code(bookings.find((m) => m.subject.endsWith(`: ${topic}`))!), topic: code(bookings.find((m) => m.from === from)!) },
    wrong: { 'a constant code': () => 'ABC123', 'the first code listed': code(bookings[0]!) },
    damage: () => {
      send('someone@partner.example', 'hello');
      return code(target)();
    },
    guesses: { 'third-listed': code(bookings[2]!) },
  };
}

function mailForward(instance: TaskInstance): Attempts {
  const { send, inbox } = webmail(instance);
  const [, from] = /\(([^)]+)\)/.exec(instance.instruction)!;
  const [, topic] = /documents for the (.+) to /.exec(instance.instruction)!;
  const [, colleague] = /at ([\w.]+@company\.example)/.exec(instance.instruction)!;
  const found = inbox('documents');
  const original = found.find((m) => m.subject === `Documents for the ${topic}`)!;
  const forward = (m: Mail) => () => send(colleague!, m.body, { subject: `Fwd: ${m.subject}`, forwardOf: m.id });
  return {
    solve: forward(original),
    relaxed: { sender: forward(found.find((m) => m.body.includes(`for the ${topic}.`))!), topic: forward(found.find((m) => m.from === from)!) },
    wrong: { 'a new mail copying the original': () => send(colleague!, original.body, { subject: `Fwd: ${original.subject}` }) },
    damage: () => send('someone@partner.example', 'hello'),
    guesses: { 'third-listed': forward(found[2]!) },
  };
}

function mailReplyFacts(instance: TaskInstance): Attempts {
  const { send, inbox } = webmail(instance);
  const asked = inbox().find((m) => m.subject === 'Open invoice?')!;
  const company = /\((.+ Ltd)\)/.exec(asked.body)![1]!;
  const billing = inbox().filter((m) => m.from === 'billing@company.example');
  const open = billing.filter((m) => m.subject.startsWith('Open invoices: '));
  const replyWith = (text: string) => () =>
    send(asked.from, `Hi,\n${text}\n\n--- On ${asked.date}, ${asked.from} wrote ---\n${asked.body}`, { inReplyTo: asked.id });
  const facts = (m: Mail) => replyWith(`your open invoice is ${/(INV-\d+), amount \w+ (\$[\d.]+)/.exec(m.body)!.slice(1).join(', amount due ')}.`);
  const generic = replyWith('we are looking into your open invoice and will get back to you shortly.');
  return {
    solve: facts(open.find((m) => m.subject === `Open invoices: ${company}`)!),
    relaxed: { company: facts(open[0]!), open: facts(billing.find((m) => m.subject.endsWith(`: ${company}`))!) },
    wrong: { 'a generic reply': generic },
    damage: () => send('someone@partner.example', 'hello'),
    guesses: { 'generic-reply': generic, 'second-listed': facts(open[1]!) },
  };
}

const ATTEMPTS: Record<string, (instance: TaskInstance) => Attempts> = {
  'desk-triage': deskTriage,
  'desk-refund': deskRefund,
  'desk-reply-facts': deskReplyFacts,
  'mail-find-answer': mailFindAnswer,
  'mail-forward': mailForward,
  'mail-reply-facts': mailReplyFacts,
};

/** Plays `attempts` (in order) on a fresh instance of the seed and returns its verdict with the shaped reward. */
function play(name: string, seed: number, pick: (a: Attempts) => Attempt[]) {
  const instance = env.instance(`browser/${name}`, seed);
  let answer: string | undefined;
  for (const attempt of pick(ATTEMPTS[name]!(instance))) answer = attempt() ?? answer;
  return verdictOf(instance, answer);
}

describe.each(Object.keys(ATTEMPTS))('browser/%s: shaped reward pays only for the job', (name) => {
  const family = FAMILIES.find((f) => f.name === name)!;
  const sample = ATTEMPTS[name]!(env.instance(`browser/${name}`, 1));

  it('declares its components, conditions and guesses, and the attempts here cover them', () => {
    // A guard against damage: the family's own, or the kit's no_collateral on the whole state.
    expect(family.collateral || family.components!.some((c) => c.kind === 'guard')).toBe(true);
    expect(Object.keys(sample.relaxed)).toEqual([...family.conditions!]);
    expect(Object.keys(sample.guesses)).toEqual([...family.guesses!]);
  });

  it('the task done right succeeds; doing nothing gets shaped reward 0', () => {
    for (const seed of SEEDS) {
      const v = play(name, seed, (a) => [a.solve]);
      expect(v.success, `seed ${seed}: ${v.detail}`).toBe(true);
      expect(play(name, seed, () => []).shaped, `seed ${seed}`).toBe(0);
    }
  });

  it('damage after a correct solution fails with shaped reward 0', () => {
    for (const seed of SEEDS) {
      const v = play(name, seed, (a) => [a.solve, a.damage]);
      expect([v.success, v.shaped], `seed ${seed}: ${v.detail}`).toEqual([false, 0]);
    }
  });

  it.each(Object.keys(sample.relaxed))('the task with condition %s dropped fails with shaped reward 0 on every seed', (condition) => {
    for (const seed of SEEDS) {
      const v = play(name, seed, (a) => [a.relaxed[condition]!]);
      expect([v.success, v.shaped], `seed ${seed}: ${v.detail}`).toEqual([false, 0]);
    }
  });

  it.each(Object.keys(sample.wrong))('%s gets shaped reward 0 on every seed', (attempt) => {
    for (const seed of SEEDS) {
      const v = play(name, seed, (a) => [a.wrong[attempt]!]);
      expect([v.success, v.shaped], `seed ${seed}: ${v.detail}`).toEqual([false, 0]);
    }
  });

  it.each(Object.keys(sample.guesses))('the constant attempt %s succeeds on at most 2 of 50 seeds (the guessing floor)', (guess) => {
    const won = GUESS_SEEDS.filter((seed) => play(name, seed, (a) => [a.guesses[guess]!]).success);
    expect(won.length, `succeeded on seeds ${won.join(', ')}`).toBeLessThanOrEqual(0.05 * GUESS_SEEDS.length);
  });
});

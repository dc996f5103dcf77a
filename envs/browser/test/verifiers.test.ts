// Verifiers judge against each task's hidden truth: these attacks change the backends directly,
// as an agent's clicks would, and must not succeed (issue 14's reward-integrity rules).
import { describe, expect, it } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { HelpDeskSite, orderTotal } from '../src/sites/helpdesk.js';
import { WebmailSite } from '../src/sites/webmail.js';
import type { TaskInstance } from '../src/tasks/task.js';
import { judging, verdictOf } from './backend-attempts.js';

const env = judging(new BrowserEnv());
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7];

function site<T>(instance: TaskInstance, kind: new (...args: never[]) => T): T {
  return instance.sites.find((s): s is T & TaskInstance['sites'][number] => s instanceof kind)!;
}

const verdict = (instance: TaskInstance, answer?: string) => verdictOf(instance, answer);

describe('browser/desk-reply-facts', () => {
  const setUp = (seed: number) => {
    const instance = env.instance('browser/desk-reply-facts', seed);
    const { data } = site(instance, HelpDeskSite);
    const ticket = data.tickets.find((t) => instance.instruction.includes(`#${t.id} `))!;
    const orders = data.orders.filter((o) => o.customerId === ticket.customerId);
    const reply = (text: string) => {
      ticket.replies.push(text);
      ticket.status = 'solved';
    };
    return { instance, orders, reply };
  };

  it('a reply with the tracking number and date of every order of the customer fails on every seed', () => {
    for (const seed of SEEDS) {
      const { instance, orders, reply } = setUp(seed);
      reply(orders.map((o) => `Order ${o.id}: tracking ${o.tracking}, delivery ${o.deliveryDate}.`).join(' '));
      const v = verdict(instance);
      expect(v.success, `seed ${seed}: ${v.detail}`).toBe(false);
      expect(v.components.no_wrong_facts).toBe(0);
    }
  });

  it('a reply with the in-transit order alone succeeds', () => {
    for (const seed of SEEDS) {
      const { instance, orders, reply } = setUp(seed);
      const o = orders.find((x) => x.status === 'in transit')!;
      reply(`Your order is on its way: tracking number ${o.tracking}, expected delivery ${o.deliveryDate}.`);
      expect(verdict(instance).success, `seed ${seed}`).toBe(true);
    }
  });
});

describe('browser/mail-forward', () => {
  const setUp = (seed: number) => {
    const instance = env.instance('browser/mail-forward', seed);
    const mail = site(instance, WebmailSite);
    const colleague = /at ([\w.]+@company\.example)/.exec(instance.instruction)![1]!;
    const topic = /documents for the (.+) to /.exec(instance.instruction)![1]!;
    const original = mail.data.messages.find((m) => m.subject === `Documents for the ${topic}`)!;
    const send = (extra: object) =>
      mail.data.messages.push({
        id: 900,
        folder: 'sent',
        from: mail.data.me,
        to: colleague,
        subject: `Fwd: ${original.subject}`,
        body: original.body,
        date: '2025-06-30',
        ...extra,
      });
    return { instance, original, send };
  };

  it('a new mail to the colleague that copies the signed-documents text fails on every seed', () => {
    for (const seed of SEEDS) {
      const { instance, send } = setUp(seed);
      send({});
      const v = verdict(instance);
      expect(v.success, `seed ${seed}: ${v.detail}`).toBe(false);
      expect(v.components.forwarded_right_message).toBe(0);
    }
  });

  it('a forward of the original message succeeds', () => {
    for (const seed of SEEDS) {
      const { instance, original, send } = setUp(seed);
      send({ forwardOf: original.id });
      expect(verdict(instance).success, `seed ${seed}`).toBe(true);
    }
  });
});

describe('browser/mail-reply-facts', () => {
  it('a reply that also gives the other company’s invoice amount fails', () => {
    for (const seed of SEEDS) {
      const instance = env.instance('browser/mail-reply-facts', seed);
      const mail = site(instance, WebmailSite);
      const asked = mail.data.messages.find((m) => m.subject === 'Open invoice?')!;
      const company = /\((.+ Ltd)\)/.exec(asked.body)![1]!;
      const facts = (subject: string) => /(INV-\d+), amount due (\$[\d.]+)/.exec(mail.data.messages.find((m) => m.subject === subject)!.body)!;
      const [, invoice, amount] = facts(`Open invoices: ${company}`);
      const [, , otherAmount] = facts('Open invoices: Northwind Ltd');
      mail.data.messages.push({
        id: 900,
        folder: 'sent',
        from: mail.data.me,
        to: asked.from,
        subject: 'Re: Open invoice?',
        body: `${invoice}, amount due ${amount} (or ${otherAmount})`,
        date: '2025-06-30',
        inReplyTo: asked.id,
      });
      const v = verdict(instance);
      expect(v.success, `seed ${seed}: ${v.detail}`).toBe(false);
      expect(v.components.no_wrong_facts).toBe(0);
    }
  });
});

describe('browser/desk-refund', () => {
  it('a reply that states the order total next to the refunded amount does not count as confirming the refund', () => {
    for (const seed of SEEDS) {
      const instance = env.instance('browser/desk-refund', seed);
      const { data } = site(instance, HelpDeskSite);
      const ticket = data.tickets.find((t) => instance.instruction.includes(`#${t.id} `))!;
      const item = ticket.subject.replace('Broken ', '');
      const order = data.orders.find((o) => o.customerId === ticket.customerId && o.items.some((i) => i.name === item))!;
      const line = order.items.find((i) => i.name === item)!;
      data.refunds.push({ orderId: order.id, amount: line.price * line.qty, reason: 'Damaged item' });
      ticket.status = 'solved';
      ticket.replies.push(`We refunded ${((line.price * line.qty) / 100).toFixed(2)} of your ${(orderTotal(order) / 100).toFixed(2)} order.`);
      expect(verdict(instance).components.replied_amount, `seed ${seed}`).toBe(0);
      ticket.replies.splice(0, 1, `We refunded $${((line.price * line.qty) / 100).toFixed(2)}.`);
      expect(verdict(instance).success, `seed ${seed}`).toBe(true);
    }
  });
});

describe('answers that hedge', () => {
  it('admin-count-filter: an answer with the right number and another one fails', () => {
    for (const seed of SEEDS) {
      const instance = env.instance('browser/admin-count-filter', seed);
      const count = Number(/expected (\d+)/.exec(verdict(instance, '').detail)![1]);
      expect(verdict(instance, String(count)).success).toBe(true);
      expect(verdict(instance, `${count} (or ${count + 1})`).success).toBe(false);
    }
  });
});

// The verifiers of travel-book-policy, mail-triage-rules and form-from-document on their edge
// cases, played on the sites' own request handlers as an agent's clicks would: the right result
// pays, a look-alike (one policy rule broken, a vendor's newsletter, the subtotal) earns no
// shaped reward, and damage after a right result (a second booking, a deletion, a sent mail, a
// second claim) takes everything.
import { shapedReward } from '@workgym/protocol';
import { instanceRng } from '@workgym/protocol/kit';
import { describe, expect, it } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { ExpensesSite, type Receipt } from '../src/sites/expenses.js';
import type { SiteApp, SiteRequest } from '../src/sites/site-app.js';
import { clock, TravelSite, type Flight } from '../src/sites/travel.js';
import { WebmailSite, type Mail } from '../src/sites/webmail.js';
import { FAMILIES } from '../src/tasks/index.js';
import type { TaskInstance } from '../src/tasks/task.js';

const env = new BrowserEnv();
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

function site<T>(instance: TaskInstance, kind: new (...args: never[]) => T): T {
  return instance.sites.find((s): s is T & TaskInstance['sites'][number] => s instanceof kind)!;
}

/** A form POST, the way the page's form sends it. */
function post(app: SiteApp, path: string, fields: Record<string, string | number>): string {
  const form = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]));
  const req: SiteRequest = { method: 'POST', path, query: new URLSearchParams(), form };
  const res = app.handle(req) as { html?: string };
  return res.html ?? '';
}

function judged(family: string, instance: TaskInstance) {
  const def = FAMILIES.find((f) => f.name === family)!;
  const v = instance.verify({ answer: undefined, submitted: true });
  return { success: v.success, shaped: shapedReward(def.components, v.success, v.components), components: v.components };
}

describe('travel-book-policy', () => {
  const travel = (seed: number) => {
    const instance = env.instance('browser/travel-book-policy', seed);
    const app = site(instance, TravelSite);
    const { flights, hotels, policy } = app.data;
    const [, from, to, date] = /from (\w+) to (\w+) on (\S+),/.exec(instance.instruction)!;
    const meeting = /at (\d\d:\d\d) that day/.exec(instance.instruction)![1]!;
    const deadline = clock(Number(meeting.slice(0, 2)) * 60 - policy.arriveMinutesBefore);
    const nights = Number(/hotel for (\d) nights/.exec(instance.instruction)![1]);
    const [, traveller, email] = /trip for (.+) \((\S+)\)/.exec(instance.instruction)!;
    const route = flights.filter((f) => f.from === from && f.to === to && f.date === date).sort((a, b) => a.fare - b.fare);
    const keeps = {
      class: (f: Flight) => f.fareClass === 'Economy' || f.arrives - f.departs >= policy.businessFromHours * 60,
      refundable: (f: Flight) => f.refundable,
      arrival: (f: Flight) => clock(f.arrives) <= deadline,
    };
    const within = (f: Flight, ignore?: string) => Object.entries(keeps).every(([rule, ok]) => rule === ignore || ok(f));
    const city = hotels.filter((h) => h.city === to).sort((a, b) => a.km - b.km);
    const book = (flight: Flight, hotel = city.find((h) => h.rate <= policy.nightlyCap)!, n = nights) =>
      post(app, '/trip', { flight: flight.id, hotel: hotel.id, nights: n, traveller: traveller!, email: email! });
    return { instance, app, route, within, city, book, nights };
  };

  it('pays the cheapest flight within every rule and the nearest hotel under the cap; a rule broken, the cap ignored or a second booking earns nothing', () => {
    for (const seed of SEEDS) {
      const right = travel(seed);
      right.book(right.route.find((f) => right.within(f))!);
      expect(judged('travel-book-policy', right.instance).success, `seed ${seed}`).toBe(true);
      // A second booking after the right one: the guard takes everything.
      right.book(right.route[0]!);
      expect(judged('travel-book-policy', right.instance).shaped).toBe(0);
      for (const rule of ['class', 'refundable', 'arrival']) {
        const t = travel(seed);
        t.book(t.route.find((f) => t.within(f, rule))!);
        expect(judged('travel-book-policy', t.instance).shaped, `seed ${seed}, ${rule} broken`).toBe(0);
      }
      const overCap = travel(seed);
      overCap.book(
        overCap.route.find((f) => overCap.within(f))!,
        overCap.city[0],
      );
      expect(overCap.city[0]!.rate).toBeGreaterThan(overCap.app.data.policy.nightlyCap);
      expect(judged('travel-book-policy', overCap.instance).shaped).toBe(0);
      // The right itinerary for the wrong number of nights earns the itinerary's share only.
      const nights = travel(seed);
      nights.book(
        nights.route.find((f) => nights.within(f))!,
        undefined,
        nights.nights + 1,
      );
      expect(judged('travel-book-policy', nights.instance)).toMatchObject({ success: false, components: { right_itinerary: 1, trip_details: 0 } });
    }
  });

  it('grows the flights and hotels to compare with the tier', () => {
    const def = FAMILIES.find((f) => f.name === 'travel-book-policy')!;
    const size = (tier: 'easy' | 'medium' | 'hard') => site(def.generate(instanceRng('train', 1), 0, tier), TravelSite).data;
    expect(size('easy').flights.length).toBeLessThan(size('medium').flights.length);
    expect(size('medium').hotels.length).toBeLessThan(size('hard').hotels.length);
  });
});

describe('mail-triage-rules', () => {
  const triage = (seed: number) => {
    const instance = env.instance('browser/mail-triage-rules', seed);
    const mail = site(instance, WebmailSite);
    const ceo = /CEO, .+? \((\S+)\)/.exec(instance.instruction)![1]!;
    const vendors = [...instance.instruction.matchAll(/\(([\w-]+\.example)\)/g)].map((m) => m[1]!);
    const isInvoice = (m: Mail) => /\binvoice\b/i.test(m.subject) && vendors.includes(m.from.split('@')[1]!);
    const apply = () => {
      for (const m of [...mail.data.messages]) {
        if (m.from.startsWith('news@')) post(mail, `/m/${m.id}/move`, { to: 'Archive' });
        else if (isInvoice(m)) post(mail, `/m/${m.id}/move`, { to: 'Finance' });
        else if (m.from === ceo) post(mail, `/m/${m.id}/flag`, {});
      }
    };
    return { instance, mail, apply, isInvoice };
  };

  it('pays every mail filed by the rules; a look-alike filed, a newsletter deleted or a mail sent earns nothing', () => {
    for (const seed of SEEDS) {
      const right = triage(seed);
      right.apply();
      expect(judged('mail-triage-rules', right.instance).success, `seed ${seed}`).toBe(true);
      const sent = triage(seed);
      sent.apply();
      post(sent.mail, '/send', { to: 'someone@company.example', subject: 'Done', body: 'Triaged.', ref: '' });
      expect(judged('mail-triage-rules', sent.instance)).toMatchObject({ shaped: 0, components: { filed: 1, nothing_sent: 0 } });
      // A personal mail about an invoice, and a vendor's order mail, are no vendor invoices.
      const lookalike = triage(seed);
      lookalike.apply();
      const personal = lookalike.mail.data.messages.find((m) => /invoice/i.test(m.subject) && !lookalike.isInvoice(m))!;
      post(lookalike.mail, `/m/${personal.id}/move`, { to: 'Finance' });
      expect(judged('mail-triage-rules', lookalike.instance).shaped).toBe(0);
      const deleted = triage(seed);
      deleted.apply();
      const newsletter = deleted.mail.data.messages.find((m) => m.folder === 'Archive')!;
      post(deleted.mail, `/m/${newsletter.id}/delete`, {});
      expect(judged('mail-triage-rules', deleted.instance)).toMatchObject({ shaped: 0, components: { nothing_deleted: 0 } });
    }
  });

  it('moves and flags the ticked inbox rows only; the bulk form never moves a mail outside the inbox', () => {
    const { mail } = triage(1);
    const [a, b] = mail.data.messages.filter((m) => m.folder === 'inbox');
    post(mail, `/m/${b!.id}/move`, { to: 'Archive' });
    const form = new URLSearchParams([
      ['ids', String(a!.id)],
      ['ids', String(b!.id)],
      ['to', 'Finance'],
      ['action', 'move'],
    ]);
    void mail.handle({ method: 'POST', path: '/bulk', query: new URLSearchParams(), form });
    expect([a!.folder, b!.folder]).toEqual(['Finance', 'Archive']);
  });
});

describe('form-from-document', () => {
  const claim = (seed: number) => {
    const instance = env.instance('browser/form-from-document', seed);
    const app = site(instance, ExpensesSite);
    const i = instance.instruction;
    const [, employee, employeeId] = /for (.+) \(employee ID (E-\d+)\)/.exec(i)!;
    const [, merchant, card] = /receipt from (.+) paid with the card ending (\d{4}), in the Documents/.exec(i)!;
    const category = /category ([\w ]+),/.exec(i)![1]!;
    const client = /billable to the client ([^.]+)\./.exec(i)?.[1];
    const receipt = app.data.documents.find((d) => d.merchant === merchant && d.cardLast4 === card)!;
    const file = (r: Receipt, change: Record<string, string> = {}) =>
      post(app, '/claims/new', {
        employee: employee!,
        employeeId: employeeId!,
        date: r.saleDate,
        category,
        merchant: r.merchant,
        receipt: r.number,
        amount: (r.total / 100).toFixed(2),
        ...(client ? { billable: 'yes', client } : {}),
        confirm: 'yes',
        ...change,
      });
    return { instance, app, receipt, file };
  };

  it('pays the receipt total with its date of sale; the subtotal, another receipt or a second claim earns nothing, the printed date only the amount and receipt', () => {
    for (const seed of SEEDS) {
      const right = claim(seed);
      right.file(right.receipt);
      expect(judged('form-from-document', right.instance).success, `seed ${seed}`).toBe(true);
      right.file(right.receipt);
      expect(judged('form-from-document', right.instance).shaped).toBe(0);
      const subtotal = claim(seed);
      const lines = subtotal.receipt.lines.reduce((s, l) => s + l.qty * l.price, 0);
      subtotal.file(subtotal.receipt, { amount: (lines / 100).toFixed(2) });
      expect(judged('form-from-document', subtotal.instance).shaped).toBe(0);
      const other = claim(seed);
      other.file(other.app.data.documents.find((d) => d !== other.receipt)!);
      expect(judged('form-from-document', other.instance).shaped).toBe(0);
      const printed = claim(seed);
      printed.file(printed.receipt, { date: printed.receipt.printed });
      expect(judged('form-from-document', printed.instance)).toMatchObject({ success: false, components: { amount: 1, receipt: 1, date: 0 } });
    }
  });

  it('refuses a claim the form cannot hold: three decimals, a client on a non-billable claim, no confirmation', () => {
    const t = claim(1);
    expect(t.file(t.receipt, { amount: '12.345' })).toContain('Enter the amount in dollars and cents.');
    expect(t.file(t.receipt, { billable: '', client: 'Globex' })).toContain('Only a billable expense has a client.');
    expect(t.file(t.receipt, { confirm: '' })).toContain('Confirm the receipt has not been claimed before.');
    expect(t.app.data.claims).toEqual([]);
  });
});

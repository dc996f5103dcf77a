// The verifiers of travel-book-policy, mail-triage-rules and form-from-document on their edge
// cases, played on the sites' own request handlers as an agent's clicks would: the right result
// pays, a look-alike (one policy rule broken, a vendor's newsletter, the subtotal) earns no
// shaped reward, and damage after a right result (a second booking, a deletion, a sent mail, a
// second claim) takes everything. Travel's fixed-rank picks are measured here too.
import { instanceRng } from '@workgym/protocol/kit';
import { describe, expect, it } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { ExpensesSite, type Receipt } from '../src/sites/expenses.js';
import type { SiteApp } from '../src/sites/site-app.js';
import { clock, TravelSite, type Flight } from '../src/sites/travel.js';
import { WebmailSite, type Mail } from '../src/sites/webmail.js';
import { FAMILIES } from '../src/tasks/index.js';
import { FLOOR_SEEDS, judged, judging, post, site } from './backend-attempts.js';

const env = judging(new BrowserEnv());
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe('travel-book-policy', () => {
  const travel = (seed: number) => {
    const instance = env.instance('browser/travel-book-policy', seed);
    const app = site(instance, TravelSite);
    const { flights, hotels, policy } = app.data;
    const [, from, to, date] = /from (\w+) to (\w+) on (\S+),/.exec(instance.instruction)!;
    const back = /flight back to \w+ on (\S+),/.exec(instance.instruction)![1]!;
    const meeting = /at (\d\d:\d\d) that day/.exec(instance.instruction)![1]!;
    const deadline = clock(Number(meeting.slice(0, 2)) * 60 - policy.arriveMinutesBefore);
    const nights = Number(/hotel for (\d) nights/.exec(instance.instruction)![1]);
    const [, traveller, email] = /trip for (.+) \((\S+)\)/.exec(instance.instruction)!;
    const byFare = (a: Flight, b: Flight) => a.fare - b.fare;
    const route = flights.filter((f) => f.from === from && f.to === to && f.date === date).sort(byFare);
    const way = flights.filter((f) => f.from === to && f.to === from && f.date === back).sort(byFare);
    const keeps = {
      class: (f: Flight) => f.fareClass === 'Economy' || f.arrives - f.departs >= policy.businessFromHours * 60,
      refundable: (f: Flight) => f.refundable,
      arrival: (f: Flight) => f.to !== to || clock(f.arrives) <= deadline,
    };
    const within = (f: Flight, ignore?: string) => Object.entries(keeps).every(([rule, ok]) => rule === ignore || ok(f));
    const city = hotels.filter((h) => h.city === to).sort((a, b) => a.km - b.km);
    const right = { out: route.find((f) => within(f))!, hotel: city.find((h) => h.rate <= policy.nightlyCap)!, back: way.find((f) => within(f))! };
    const book = (out: Flight, hotel = right.hotel, n = nights, ret = right.back, who = traveller!) =>
      post(app, '/trip', { flight: out.id, hotel: hotel.id, return: ret.id, nights: n, traveller: who, email: email! });
    return { instance, app, route, way, within, city, right, book, nights, query: { from: from!, to: to!, date: date!, nights: String(nights) } };
  };

  it('pays the cheapest flight each way within every rule and the nearest hotel under the cap; a rule broken, the cap ignored or a second booking earns nothing', () => {
    for (const seed of SEEDS) {
      const right = travel(seed);
      right.book(right.right.out);
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
      overCap.book(overCap.right.out, overCap.city[0]);
      expect(overCap.city[0]!.rate).toBeGreaterThan(overCap.app.data.policy.nightlyCap);
      expect(judged('travel-book-policy', overCap.instance).shaped).toBe(0);
      // The cheapest flight back whatever its class or fare rules, with the rest right.
      const cheapBack = travel(seed);
      if (cheapBack.way[0] !== cheapBack.right.back) {
        cheapBack.book(cheapBack.right.out, undefined, undefined, cheapBack.way[0]);
        expect(judged('travel-book-policy', cheapBack.instance).shaped, `seed ${seed}, the cheapest flight back`).toBe(0);
      }
      // The right itinerary for someone else earns the itinerary's share only.
      const other = travel(seed);
      other.book(other.right.out, undefined, undefined, undefined, 'Pat Other');
      expect(judged('travel-book-policy', other.instance)).toMatchObject({ success: false, components: { right_itinerary: 1, trip_details: 0 } });
    }
  });

  // So the number of nights cannot be wrong in a booked trip with the right flights.
  it('refuses a flight back that is not on the day the stay ends', () => {
    const t = travel(1);
    const html = t.book(t.right.out, undefined, t.nights + 1);
    expect(html).toContain('Choose the flights and a hotel first.');
    expect(t.app.data.trips).toEqual([]);
  });

  it('grows the flights and hotels to compare with the tier', () => {
    const def = FAMILIES.find((f) => f.name === 'travel-book-policy')!;
    const size = (tier: 'easy' | 'medium' | 'hard') => site(def.generate(instanceRng('train', 1), 0, tier, { infeasible: false }), TravelSite).data;
    expect(size('easy').flights.length).toBeLessThan(size('medium').flights.length);
    expect(size('medium').hotels.length).toBeLessThan(size('hard').hotels.length);
  });

  // A policy that learnt positions instead of the rules: a fixed rank in each table the trip goes
  // through (flights out and back as listed or by fare; hotels as listed, by distance or by rate).
  it('no fixed ranks in the three tables book the right trip on more than 2 of seeds 1..50; the declared fixed-ranks guess is the measured one', () => {
    const wins = new Map<string, number[]>();
    const guessWins: number[] = [];
    for (const seed of FLOOR_SEEDS) {
      const t = travel(seed);
      const { out, hotel, back } = t.right;
      const hotelQuery = { flight: String(out.id), nights: t.query.nights };
      const returnQuery = { ...hotelQuery, hotel: String(hotel.id) };
      const orders = {
        out: { listed: selected(t.app, '/flights', t.query), fare: selected(t.app, '/flights', { ...t.query, sort: 'fare' }) },
        hotel: {
          listed: selected(t.app, '/hotels', hotelQuery),
          distance: selected(t.app, '/hotels', { ...hotelQuery, sort: 'distance' }),
          rate: [...t.city].sort((a, b) => a.rate - b.rate || a.id - b.id).map((h) => h.name),
        },
        back: { listed: selected(t.app, '/return', returnQuery), fare: selected(t.app, '/return', { ...returnQuery, sort: 'fare' }) },
      };
      const ranks = (leg: keyof typeof orders, name: string) =>
        Object.entries(orders[leg]).map(([order, shown]) => `${leg} ${order} #${shown.indexOf(name) + 1}`);
      const [outs, hotels, backs] = [ranks('out', out.code), ranks('hotel', hotel.name), ranks('back', back.code)];
      for (const a of outs) for (const b of hotels) for (const c of backs) wins.set(`${a}, ${b}, ${c}`, [...(wins.get(`${a}, ${b}, ${c}`) ?? []), seed]);
      // The declared guess, booked: the 2nd flight out listed, the cheapest hotel, the 4th flight back listed.
      const named = (flights: Flight[], code: string) => flights.find((f) => f.code === code)!;
      const cheapest = t.city.find((h) => h.name === orders.hotel.rate[0])!;
      t.book(named(t.route, orders.out.listed[1]!), cheapest, t.nights, named(t.way, orders.back.listed[3]!));
      if (judged('travel-book-policy', t.instance).success) guessWins.push(seed);
    }
    const [best, seeds] = [...wins].reduce((x, y) => (y[1].length > x[1].length ? y : x));
    expect(seeds.length, `${best} is right on seeds ${seeds.join(', ')}`).toBeLessThanOrEqual(2);
    expect(guessWins).toEqual(wins.get('out listed #2, hotel rate #1, back listed #4') ?? []);
    expect(FAMILIES.find((f) => f.name === 'travel-book-policy')!.guesses).toContain('fixed-ranks');
  });
});

/** The names a page's Select links offer, in the page's order (the site's own handler renders it). */
function selected(app: SiteApp, path: string, query: Record<string, string>): string[] {
  const res = app.handle({ method: 'GET', path, query: new URLSearchParams(query), form: new URLSearchParams() }) as { html?: string };
  return [...(res.html ?? '').matchAll(/aria-label="Select ([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

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
      expect(judged('mail-triage-rules', sent.instance)).toMatchObject({ shaped: 0, components: { filed: 1, no_collateral: 0 } });
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
      expect(judged('mail-triage-rules', deleted.instance)).toMatchObject({ shaped: 0, components: { filed: 0 } });
      // A mail the rules leave in the inbox, deleted: misfiled, and a change the task does not expect.
      const routine = triage(seed);
      routine.apply();
      const kept = routine.mail.data.messages.find((m) => m.folder === 'inbox' && !m.flagged)!;
      post(routine.mail, `/m/${kept.id}/delete`, {});
      expect(judged('mail-triage-rules', routine.instance)).toMatchObject({ shaped: 0, components: { filed: 0, no_collateral: 0 } });
    }
  });

  it('a flag taken back leaves the mail as it was: flagging and unflagging a mail the rules leave alone still pays', () => {
    for (const seed of SEEDS.slice(0, 5)) {
      const t = triage(seed);
      t.apply();
      const routine = t.mail.data.messages.find((m) => m.folder === 'inbox' && !m.flagged)!;
      post(t.mail, `/m/${routine.id}/flag`, {});
      expect(judged('mail-triage-rules', t.instance)).toMatchObject({ success: false, components: { no_collateral: 0 } });
      post(t.mail, `/m/${routine.id}/flag`, {});
      expect(judged('mail-triage-rules', t.instance).success, `seed ${seed}`).toBe(true);
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

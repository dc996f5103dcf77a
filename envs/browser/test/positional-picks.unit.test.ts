// Blind positional picks on form-from-document and contacts-update, played on the sites' own
// request handlers as an agent's clicks would: a claim of the n-th listed receipt, an edit of the
// n-th entry. Over seeds 1..50 the natural picks (the declared guesses among them) may succeed on
// at most 2; over 1000 seeds no fixed place succeeds on over 5%. With the right item drawn among
// 25-70 places, some place or other comes up 3 times in any 50 seeds by chance, so every place is
// held to the 5% over 1000 seeds, where the share is the generator's and not the luck of 50.
import { describe, expect, it } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { ContactsSite, directoryOrder, type Contact } from '../src/sites/contacts.js';
import { ExpensesSite, type Receipt } from '../src/sites/expenses.js';
import { WebmailSite } from '../src/sites/webmail.js';
import { FAMILIES } from '../src/tasks/index.js';
import type { TaskInstance } from '../src/tasks/task.js';
import { floor, FLOOR_SEEDS, judged, judging, post, site, topShare } from './backend-attempts.js';

const env = judging(new BrowserEnv());
const SHARE_SEEDS = 1000;

const guesses = (family: string) => FAMILIES.find((f) => f.name === family)!.guesses;

describe('browser/form-from-document', () => {
  /** The task's receipts as the portal lists them (newest upload first) and the one asked for. */
  const documents = (instance: TaskInstance) => {
    const app = site(instance, ExpensesSite);
    const [, merchant, card] = /receipt from (.+) paid with the card ending (\d{4}), in the Documents/.exec(instance.instruction)!;
    const listed = [...app.data.documents].sort((a, b) => b.uploaded.localeCompare(a.uploaded) || b.id - a.id);
    return { app, listed, merchant: merchant!, card: card!, target: listed.find((d) => d.merchant === merchant && d.cardLast4 === card)! };
  };
  /** A claim of the receipt `pick` chooses, with its own printed values and the instruction's coding. */
  const claim = (seed: number, pick: (d: ReturnType<typeof documents>) => Receipt) => {
    const instance = env.instance('browser/form-from-document', seed);
    const d = documents(instance);
    const i = instance.instruction;
    const [, employee, employeeId] = /for (.+) \(employee ID (E-\d+)\)/.exec(i)!;
    const client = /billable to the client ([^.]+)\./.exec(i)?.[1];
    const r = pick(d);
    post(d.app, '/claims/new', {
      employee: employee!,
      employeeId: employeeId!,
      date: r.saleDate,
      category: /category ([\w ]+),/.exec(i)![1]!,
      merchant: r.merchant,
      receipt: r.number,
      amount: (r.total / 100).toFixed(2),
      ...(client ? { billable: 'yes', client } : {}),
      confirm: 'yes',
    });
    return judged('form-from-document', instance);
  };

  it('the asked receipt pays; the first, second, third (the declared guess) or last listed, or the merchant’s or the card’s newest, is right on at most 2 seeds of 50', () => {
    expect(guesses('form-from-document')).toEqual(['third-listed']);
    for (const seed of FLOOR_SEEDS.slice(0, 10)) expect(claim(seed, (d) => d.target).success, `seed ${seed}`).toBe(true);
    for (const at of [0, 1, 2]) floor((seed) => claim(seed, (d) => d.listed[at]!));
    floor((seed) => claim(seed, (d) => d.listed.at(-1)!));
    expect(floor((seed) => claim(seed, (d) => d.listed.find((r) => r.merchant === d.merchant)!))).toEqual([]);
    expect(floor((seed) => claim(seed, (d) => d.listed.find((r) => r.cardLast4 === d.card)!))).toEqual([]);
  });

  it('no fixed place from the top or the bottom of the list, nor document number, is the asked receipt on over 5% of 1000 seeds', () => {
    const drawn = Array.from({ length: SHARE_SEEDS }, (_, i) => documents(env.instance('browser/form-from-document', i + 1)));
    const of = (seed: number) => drawn[seed - 1]!;
    expect(topShare(SHARE_SEEDS, (seed) => of(seed).listed.indexOf(of(seed).target))).toBeLessThanOrEqual(0.05);
    expect(topShare(SHARE_SEEDS, (seed) => of(seed).listed.length - 1 - of(seed).listed.indexOf(of(seed).target))).toBeLessThanOrEqual(0.05);
    expect(topShare(SHARE_SEEDS, (seed) => of(seed).target.id)).toBeLessThanOrEqual(0.05);
  });
});

describe('browser/contacts-update', () => {
  /** The person who wrote, their namesakes in directory order, and the entry edit an agent's form sends. */
  const update = (instance: TaskInstance) => {
    const app = site(instance, ContactsSite);
    const [, name, company] = /^(.+) of (.+) emailed you/.exec(instance.instruction)!;
    const body = site(instance, WebmailSite).data.messages.find((m) => m.subject === 'My new contact details')!.body;
    const changes: Partial<Contact> = {
      ...(/I am now (.+)\.\n/.exec(body) && { role: /I am now (.+)\.\n/.exec(body)![1] }),
      ...(/My new direct line is (.+)\.\n/.exec(body) && { phone: /My new direct line is (.+)\.\n/.exec(body)![1] }),
      ...(/Please write to (\S+) from now on/.exec(body) && { email: /Please write to (\S+) from now on/.exec(body)![1] }),
    };
    const listed = directoryOrder(app.data.contacts);
    const namesakes = listed.filter((c) => c.name === name);
    const edit = (c: Contact) =>
      post(
        app,
        `/contacts/${c.id}/edit`,
        Object.fromEntries((['name', 'company', 'role', 'email', 'phone', 'city'] as const).map((k) => [k, changes[k] ?? c[k]])),
      );
    return { listed, namesakes, rank: namesakes.findIndex((c) => c.company === company), edit };
  };
  let drawn: ReturnType<typeof update>[] | undefined;
  /** Seeds 1..1000 drawn once for the two share tests. */
  const thousand = () => (drawn ??= Array.from({ length: SHARE_SEEDS }, (_, i) => update(env.instance('browser/contacts-update', i + 1))));
  const play = (seed: number, pick: (u: ReturnType<typeof update>) => Contact) => {
    const instance = env.instance('browser/contacts-update', seed);
    const u = update(instance);
    u.edit(pick(u));
    return judged('contacts-update', instance);
  };

  it('the first entry of the directory (the declared guess) is right on no seed of 50, the first or last namesake exactly where the person is listed there', () => {
    expect(guesses('contacts-update')).toEqual(['first-contact']);
    expect(floor((seed) => play(seed, (u) => u.listed[0]!))).toEqual([]);
    for (const seed of FLOOR_SEEDS.slice(0, 10)) {
      const { namesakes, rank } = update(env.instance('browser/contacts-update', seed));
      expect(play(seed, (u) => u.namesakes[0]!).success, `seed ${seed}`).toBe(rank === 0);
      expect(play(seed, (u) => u.namesakes.at(-1)!).success, `seed ${seed}`).toBe(rank === namesakes.length - 1);
    }
  });

  it('no fixed place in the directory is the person on over 5% of 1000 seeds', () => {
    expect(
      topShare(SHARE_SEEDS, (seed) => {
        const u = thousand()[seed - 1]!;
        return u.listed.indexOf(u.namesakes[u.rank]!);
      }),
    ).toBeLessThanOrEqual(0.05);
  });

  // What the family cannot avoid: with the company ignored, the person is one of k namesakes (3 to
  // 5 by tier), so a blind pick among them is right 1 in k. The generator keeps it at that: over
  // 1000 seeds each namesake place is the person within 5 points of 1/k on every tier.
  it('the person’s place among the namesakes is uniform: a blind pick of the n-th namesake is right 1 in k on every tier', () => {
    const ranks = new Map<number, number[]>();
    for (const u of thousand()) {
      ranks.set(u.namesakes.length, [...(ranks.get(u.namesakes.length) ?? []), u.rank]);
    }
    expect([...ranks.keys()].sort()).toEqual([3, 4, 5]);
    for (const [k, seen] of ranks) {
      for (let r = 0; r < k; r++) {
        const share = seen.filter((x) => x === r).length / seen.length;
        expect(Math.abs(share - 1 / k), `${k} namesakes, place ${r + 1}: ${share}`).toBeLessThanOrEqual(0.05);
      }
    }
  });
});

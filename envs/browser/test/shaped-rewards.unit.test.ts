// Issue 27's hacks on the shop, booking and admin families, played on the backends as an agent's
// clicks would (the sites' own request handlers): an attempt with one condition dropped, or a
// correct solution followed by damage elsewhere, earns no shaped reward at all.
import { FamilyCatalogue } from '@workgym/protocol/kit';
import { describe, expect, it } from 'vitest';
import { BrowserEnv } from '../src/index.js';
import { AdminSite, type User } from '../src/sites/admin.js';
import { BookingSite, type Hotel } from '../src/sites/booking.js';
import { ShopSite, type Product, type ShopOrder } from '../src/sites/shop.js';
import { FAMILIES } from '../src/tasks/index.js';
import { floor, judged, judging, post, site, topShare } from './backend-attempts.js';

const env = judging(new BrowserEnv());
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

const match = (text: string, re: RegExp): string[] => re.exec(text)!.slice(1);
const cheapest = <T extends { price: number; id: number }>(xs: readonly T[]): T => [...xs].sort((a, b) => a.price - b.price || a.id - b.id)[0]!;

/** Orders the given lines through the cart and checkout. */
function order(shop: ShopSite, lines: readonly { id: number; qty: number }[], name: string, address: string, coupon?: string): void {
  for (const l of lines) post(shop, '/cart/add', { id: l.id, qty: l.qty });
  if (coupon) post(shop, '/checkout/coupon', { coupon });
  post(shop, '/checkout/place', { name, address });
}

/** Changes another customer's pending order (its address), as a careless agent might. */
function damageOrders(shop: ShopSite, spare: (o: ShopOrder) => boolean): void {
  const other = shop.data.orders.find((o) => o.status === 'pending' && o.id < 1000 && !spare(o))!;
  post(shop, `/orders/${other.id}/update`, { address: '1 Nowhere Lane, Oslo', ...Object.fromEntries(other.lines.map((l) => [`qty-${l.productId}`, l.qty])) });
}

/** The family's declared guesses that pick by rank of price. */
const guessedRanks = (family: string): string[] => FAMILIES.find((f) => f.name === family)!.guesses!.filter((g) => g.endsWith('-cheapest'));

type Outcome = ReturnType<typeof judged>;
/** Each attempt of each seed: the right one succeeds, every other scores 0. */
function expectOnly(outcomes: Record<string, Outcome>, right: string, seed: number): void {
  for (const [name, o] of Object.entries(outcomes)) {
    if (name === right) expect(o.success, `seed ${seed} ${name}: ${o.detail}`).toBe(true);
    else expect({ seed, name, success: o.success, shaped: o.shaped }, o.detail).toEqual({ seed, name, success: false, shaped: 0 });
  }
}

describe('browser/shop-buy-cheapest', () => {
  const attempt = (seed: number, choose: (products: Product[], category: string, min: number) => Product, damage = false) => {
    const instance = env.instance('browser/shop-buy-cheapest', seed);
    const shop = site(instance, ShopSite);
    const [customer, category, min, address] = match(
      instance.instruction,
      /customer, (.+?), asks .* in the (\w+) category .* at least ([\d.]+) stars\. Ship it to (.+?)\. Submit/,
    );
    const product = choose(shop.data.products, category!, Number(min));
    order(shop, [{ id: product.id, qty: 1 }], customer!, address!);
    if (damage) damageOrders(shop, () => false);
    return judged('shop-buy-cheapest', instance);
  };
  const right = (ps: Product[], c: string, min: number) => cheapest(ps.filter((p) => p.category === c && p.rating >= min));

  it('the cheapest of the category ignoring the rating, or of every category, and damage after the right order score 0', () => {
    // An infeasible seed has no right product (infeasible-families.unit.test.ts).
    const catalogue = new FamilyCatalogue('browser', FAMILIES);
    for (const seed of SEEDS.filter((s) => !catalogue.infeasible('browser/shop-buy-cheapest', s))) {
      const outcomes = {
        right: attempt(seed, right),
        'rating dropped': attempt(seed, (ps, c) => cheapest(ps.filter((p) => p.category === c))),
        'category dropped': attempt(seed, (ps, _, min) => cheapest(ps.filter((p) => p.rating >= min))),
        'right, then another order changed': attempt(seed, right, true),
      };
      expectOnly(outcomes, 'right', seed);
    }
  });

  it('buying the first product listed in the category is right on no seed of 50', () => {
    expect(floor((seed) => attempt(seed, (ps, c) => ps.filter((p) => p.category === c).sort((a, b) => a.name.localeCompare(b.name))[0]!))).toEqual([]);
  });

  it('sorting by price and buying the 2nd or 3rd (the declared guesses) is right on at most 2 seeds of 50; no fixed rank is right on over 5% of 1000 seeds', () => {
    expect(guessedRanks('shop-buy-cheapest')).toEqual(['second-cheapest', 'third-cheapest']);
    for (const k of [1, 2]) floor((seed) => attempt(seed, (ps, c) => ps.filter((p) => p.category === c).sort((a, b) => a.price - b.price)[k]!));
    const share = topShare(1000, (seed) => {
      const instance = env.instance('browser/shop-buy-cheapest', seed);
      const [category, min] = match(instance.instruction, /in the (\w+) category .* at least ([\d.]+) stars/);
      const listed = site(instance, ShopSite)
        .data.products.filter((p) => p.category === category)
        .sort((a, b) => a.price - b.price);
      const rank = listed.findIndex((p) => p.rating >= Number(min));
      return rank < 0 ? undefined : rank;
    });
    expect(share).toBeLessThanOrEqual(0.05);
  });
});

describe('browser/shop-coupon-checkout', () => {
  const attempt = (seed: number, quantities: (asked: number[]) => number[], damage = false) => {
    const instance = env.instance('browser/shop-coupon-checkout', seed);
    const shop = site(instance, ShopSite);
    const [customer, items, code, address] = match(instance.instruction, /for (.+?) with (.+), use the coupon code (\w+), and ship to (.+?)\. Submit/);
    const asked = [...items!.matchAll(/(\d+) x (.+?)(?= and \d+ x |$)/g)].map((m) => ({
      qty: Number(m[1]),
      id: shop.data.products.find((p) => p.name === m[2])!.id,
    }));
    const qs = quantities(asked.map((a) => a.qty));
    order(
      shop,
      asked.map((a, i) => ({ id: a.id, qty: qs[i]! })),
      customer!,
      address!,
      code,
    );
    if (damage) damageOrders(shop, () => false);
    return judged('shop-coupon-checkout', instance);
  };

  it('one of each product, and damage after the right order, score 0', () => {
    for (const seed of SEEDS) {
      const outcomes = {
        right: attempt(seed, (qs) => qs),
        'quantities dropped': attempt(seed, (qs) => qs.map(() => 1)),
        'right, then another order changed': attempt(seed, (qs) => qs, true),
      };
      expectOnly(outcomes, 'right', seed);
    }
  });

  it('two of the first product and one of each other is right on at most 2 seeds of 50', () => {
    floor((seed) => attempt(seed, (qs) => qs.map((_, i) => (i === 0 ? 2 : 1))));
  });
});

describe('browser/shop-change-order', () => {
  const attempt = (seed: number, how: 'right' | 'order dropped' | 'item dropped' | 'first listed' | 'damage') => {
    const instance = env.instance('browser/shop-change-order', seed);
    const shop = site(instance, ShopSite);
    const [id, qty, item, address] = match(
      instance.instruction,
      /order #(\d+): they want (\d+) of the (.+?) instead of \d+, and the order shipped to (.+?) instead/,
    );
    const target = shop.data.orders.find((o) => o.id === Number(id))!;
    const sibling = shop.data.orders.find((o) => o.customer === target.customer && o !== target)!;
    const firstListed = [...shop.data.orders].reverse().find((o) => o.status === 'pending')!;
    const changed = how === 'order dropped' ? sibling : how === 'first listed' ? firstListed : target;
    const line = how === 'item dropped' ? changed.lines[0]! : changed.lines.find((l) => l.name === item);
    const quantities = Object.fromEntries(changed.lines.map((l) => [`qty-${l.productId}`, l === line ? Number(qty) : l.qty]));
    post(shop, `/orders/${changed.id}/update`, { address: address!, ...quantities });
    if (how === 'damage') damageOrders(shop, (o) => o === target);
    return judged('shop-change-order', instance);
  };

  it("the customer's other order, the first item instead of the asked one, and damage after the right change score 0", () => {
    for (const seed of SEEDS) {
      const outcomes = {
        right: attempt(seed, 'right'),
        'order dropped': attempt(seed, 'order dropped'),
        'item dropped': attempt(seed, 'item dropped'),
        'first listed': attempt(seed, 'first listed'),
        'right, then another order changed': attempt(seed, 'damage'),
      };
      expectOnly(outcomes, 'right', seed);
    }
  });
});

describe('browser/booking-reserve', () => {
  const attempt = (seed: number, choose: (hotels: Hotel[], city: string, guests: number) => Hotel, twice = false) => {
    const instance = env.instance('browser/booking-reserve', seed);
    const booking = site(instance, BookingSite);
    const [city, guests, checkin, nights, name, email, phone] = match(
      instance.instruction,
      /hotel in (\w+) rated 4\.0 or better that takes (\d) guests, checking in on ([\d-]+) for (\d) nights\. The guest is (.+?), email (\S+), phone (.+?)\. Submit/,
    );
    const hotel = choose(booking.data.hotels, city!, Number(guests));
    const stay = { checkin: checkin!, nights: nights!, guests: guests!, name: name!, email: email!, phone: phone! };
    post(booking, `/book/${hotel.id}`, stay);
    if (twice) post(booking, `/book/${hotel.id}`, { ...stay, checkin: '2025-12-01' });
    return judged('booking-reserve', instance);
  };
  const right = (hs: Hotel[], city: string, guests: number) => cheapest(hs.filter((h) => h.city === city && h.maxGuests >= guests && h.rating >= 4));

  it('the cheapest ignoring the rating or the party size, and a second booking after the right one score 0', () => {
    for (const seed of SEEDS) {
      const outcomes = {
        right: attempt(seed, right),
        'rating dropped': attempt(seed, (hs, city, guests) => cheapest(hs.filter((h) => h.city === city && h.maxGuests >= guests))),
        'guests dropped': attempt(seed, (hs, city) => cheapest(hs.filter((h) => h.city === city && h.rating >= 4))),
        'right, then a second booking': attempt(seed, right, true),
      };
      expectOnly(outcomes, 'right', seed);
    }
  });

  it('booking the first hotel listed is right on no seed of 50', () => {
    expect(floor((seed) => attempt(seed, (hs, city, guests) => hs.find((h) => h.city === city && h.maxGuests >= guests)!))).toEqual([]);
  });

  it('sorting by price and booking the 2nd or 3rd (the declared guesses) is right on at most 2 seeds of 50; no fixed rank is right on over 5% of 1000 seeds', () => {
    expect(guessedRanks('booking-reserve')).toEqual(['second-cheapest', 'third-cheapest']);
    for (const k of [1, 2])
      floor((seed) => attempt(seed, (hs, city, guests) => hs.filter((h) => h.city === city && h.maxGuests >= guests).sort((a, b) => a.price - b.price)[k]!));
    const share = topShare(1000, (seed) => {
      const instance = env.instance('browser/booking-reserve', seed);
      const [city, min, guests] = match(instance.instruction, /hotel in (\w+) rated ([\d.]+) or better that takes (\d) guests/);
      const listed = site(instance, BookingSite)
        .data.hotels.filter((h) => h.city === city && h.maxGuests >= Number(guests))
        .sort((a, b) => a.price - b.price);
      return listed.findIndex((h) => h.rating >= Number(min));
    });
    expect(share).toBeLessThanOrEqual(0.05);
  });
});

describe('browser/admin-count-filter', () => {
  it('the count with any one condition dropped, and the right count after editing a user, score 0', () => {
    for (const seed of SEEDS) {
      const outcome = (count: (users: User[], plan: string, country: string) => number, damage = false) => {
        const instance = env.instance('browser/admin-count-filter', seed);
        const admin = site(instance, AdminSite);
        const [plan, country] = match(instance.instruction, /on the (\w+) plan are based in (\w+)\?/);
        const answer = String(count(admin.users, plan!, country!));
        if (damage) {
          const u = admin.users[0]!;
          post(admin, `/users/${u.id}/edit`, { name: u.name, email: u.email, role: u.role, plan: u.plan, ...(u.active ? {} : { active: 'yes' }) });
        }
        return judged('admin-count-filter', instance, answer);
      };
      const n = (pred: (u: User) => boolean) => (users: User[]) => users.filter(pred).length;
      const outcomes = {
        right: outcome((us, plan, country) => n((u) => u.plan === plan && u.country === country && u.active)(us)),
        'plan dropped': outcome((us, _, country) => n((u) => u.country === country && u.active)(us)),
        'country dropped': outcome((us, plan) => n((u) => u.plan === plan && u.active)(us)),
        'status dropped': outcome((us, plan, country) => n((u) => u.plan === plan && u.country === country)(us)),
        'right, then a user edited': outcome((us, plan, country) => n((u) => u.plan === plan && u.country === country && u.active)(us), true),
      };
      expectOnly(outcomes, 'right', seed);
    }
  });

  // The count is drawn from 3..45 (about 2% each); over only 50 seeds one value or another
  // comes up 3 or 4 times by chance, so the floor is asserted for the declared constants.
  it('each declared constant answer is right on at most 2 seeds of 50', () => {
    const guesses = FAMILIES.find((f) => f.name === 'admin-count-filter')!.guesses!;
    expect(guesses.length).toBeGreaterThan(0);
    for (const guess of guesses) floor((seed) => judged('admin-count-filter', env.instance('browser/admin-count-filter', seed), guess.replace('answer-', '')));
  });
});

describe('browser/admin-edit-record', () => {
  it('editing the first user listed, and editing another user after the right edit, score 0', () => {
    for (const seed of SEEDS) {
      const outcome = (who: 'right' | 'first' | 'both') => {
        const instance = env.instance('browser/admin-edit-record', seed);
        const admin = site(instance, AdminSite);
        const [email, plan, role] = match(instance.instruction, /email (\S+) to the (\w+) plan and the (\w+) role/);
        const user = admin.users.find((u) => u.email === email)!;
        const edits =
          who === 'right' ? [user] : who === 'first' ? [admin.users[0]!] : [user, admin.users.find((u) => u !== user && (u.plan !== plan || u.role !== role))!];
        for (const u of edits)
          post(admin, `/users/${u.id}/edit`, { name: u.name, email: u.email, role: role!, plan: plan!, ...(u.active ? { active: 'yes' } : {}) });
        return judged('admin-edit-record', instance);
      };
      expectOnly({ right: outcome('right'), 'first listed': outcome('first'), 'right, then another user edited': outcome('both') }, 'right', seed);
    }
  });

  it('editing the first user listed is right on no seed of 50', () => {
    expect(
      floor((seed) => {
        const instance = env.instance('browser/admin-edit-record', seed);
        const admin = site(instance, AdminSite);
        const [plan, role] = match(instance.instruction, /to the (\w+) plan and the (\w+) role/);
        const u = admin.users[0]!;
        post(admin, `/users/${u.id}/edit`, { name: u.name, email: u.email, role: role!, plan: plan!, ...(u.active ? { active: 'yes' } : {}) });
        return judged('admin-edit-record', instance);
      }),
    ).toEqual([]);
  });
});

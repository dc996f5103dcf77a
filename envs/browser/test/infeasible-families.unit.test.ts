// The browser families with infeasible seeds: what makes a seed infeasible is in the sites, never
// in the instruction, and the sites still hold the near things an agent would act on anyway.
import { FamilyCatalogue } from '@workgym/protocol/kit';
import { describe, expect, it } from 'vitest';
import { HelpDeskSite } from '../src/sites/helpdesk.js';
import { ShopSite } from '../src/sites/shop.js';
import { FAMILIES } from '../src/tasks/index.js';
import { site } from './backend-attempts.js';

const catalogue = new FamilyCatalogue('browser', FAMILIES);
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

/** The seeds' instances, each with whether the kit made it infeasible. */
function seeds(family: string) {
  const id = `browser/${family}`;
  return SEEDS.map((seed) => ({ seed, infeasible: catalogue.infeasible(id, seed, 'train'), instance: catalogue.instance(id, seed, 'train') }));
}

const SHOP =
  /^A customer, [A-Z][a-z]+ [A-Z][a-z]+, asks you to order for them one unit of the cheapest product in the (.+) category with a rating of at least (\d\.\d) stars\. Ship it to .+\. Submit when the order is placed\.$/;
const DESK =
  /^Handle ticket #\d+ in the support desk\. Refund policy for damaged items: only orders delivered within the last (\d+) days are refunded \(today is (2025-\d\d-\d\d); an order's page shows its delivery date\); refund the price .+ Submit when done\.$/;

describe('infeasible seeds of the browser families', () => {
  it('both families have infeasible seeds among 1..40, a quarter of them as the kit draws them', () => {
    for (const family of ['shop-buy-cheapest', 'desk-refund']) {
      const share = seeds(family).filter((s) => s.infeasible).length / SEEDS.length;
      expect(share).toBeGreaterThanOrEqual(0.2);
      expect(share).toBeLessThanOrEqual(0.3);
    }
  });

  it('shop-buy-cheapest: the same request, but no product of the category reaches the rating; some fall just short', () => {
    for (const { seed, infeasible, instance } of seeds('shop-buy-cheapest')) {
      const [, category, rating] = SHOP.exec(instance.instruction)!;
      const products = site(instance, ShopSite).data.products;
      const inCategory = products.filter((p) => p.category === category);
      const best = Math.max(...inCategory.map((p) => p.rating));
      expect(inCategory.length, `seed ${seed}`).toBe(36);
      if (infeasible) expect(best.toFixed(1), `seed ${seed}: the nearest product is rated just below`).toBe((Number(rating) - 0.1).toFixed(1));
      else expect(best, `seed ${seed}`).toBeGreaterThanOrEqual(Number(rating));
      // Another category's product reaches the rating on every seed: dropping the category still buys something.
      expect(
        products.some((p) => p.category !== category && p.rating >= Number(rating)),
        `seed ${seed}`,
      ).toBe(true);
    }
  });

  it('desk-refund: the same policy, but the order with the damaged item was delivered before the window', () => {
    for (const { seed, infeasible, instance } of seeds('desk-refund')) {
      const [, days, today] = DESK.exec(instance.instruction)!;
      const desk = site(instance, HelpDeskSite);
      const ticket = desk.data.tickets.find((t) => instance.startUrl.endsWith(`/tickets/${t.id}`))!;
      const item = ticket.subject.replace(/^Broken /, '');
      const holding = desk.data.orders.filter((o) => o.customerId === ticket.customerId && o.items.some((i) => i.name === item));
      expect(holding.length, `seed ${seed}`).toBe(1);
      const ago = (Date.parse(today!) - Date.parse(holding[0]!.deliveryDate)) / 86_400_000;
      if (infeasible) expect(ago, `seed ${seed}`).toBeGreaterThan(Number(days));
      else expect(ago, `seed ${seed}`).toBeLessThan(Number(days));
      expect(ago, `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});

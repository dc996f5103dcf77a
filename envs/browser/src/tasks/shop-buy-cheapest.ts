import { ShopSite, type Product } from '../sites/shop.js';
import { shopData, CATEGORIES } from './shop-data.js';
import { address, money, personName } from './rng.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, findNode, leave, list, navigate, submit, tableRows, type ExpertView } from './expert-kit.js';
import { checkout, fillCart } from './shop-expert.js';
import { type FamilyDef, verification } from './task.js';

interface Listed {
  name: string;
  price: string;
  rating: number;
}

export const shopBuyCheapest: FamilyDef = {
  name: 'shop-buy-cheapest',
  job: 'customer-support',
  difficulty: 'medium',
  description: 'Find the cheapest product of a category above a rating threshold in a web shop and order one for a customer.',
  strategies: ['compare-list', 'sort-by-price'],
  nearMisses: ['cheapest-ignoring-rating'],
  generate(rng) {
    const data = shopData(rng);
    const category = rng.pick(CATEGORIES);
    const inCategory = data.products.filter((p) => p.category === category);
    // A threshold (the median rating of the others) that rules out the cheapest product, so
    // sorting by price alone is never enough.
    const [cheapest, ...others] = [...inCategory].sort((a, b) => a.price - b.price) as [Product, ...Product[]];
    const ratings = [...new Set(others.map((p) => p.rating))].sort((a, b) => a - b);
    const minRating = ratings[Math.floor(ratings.length / 2)]!;
    if (cheapest.rating >= minRating) cheapest.rating = Math.round((minRating - 0.3) * 10) / 10;
    const target = inCategory.filter((p) => p.rating >= minRating).sort((a, b) => a.price - b.price)[0]!;
    const customer = personName(rng);
    const addr = address(rng);
    const shop = new ShopSite(data);
    const title = `Products: ${category}`;
    const threshold = minRating.toFixed(1);

    /** The product the expert picked from a listing the episode showed, and why. */
    const pick = (view: ExpertView): { name: string; why: string } | undefined => {
      const sorted = view.strategy !== 'compare-list';
      const page = [...view.seen].reverse().find((p) => p.snapshot.title === title && (!sorted || new URL(p.url).searchParams.get('sort') === 'price'));
      if (!page) return undefined;
      const rows: Listed[] = tableRows(page.snapshot).map((r) => ({ name: r.cells[0]!, price: r.cells[2]!, rating: Number.parseFloat(r.cells[3]!) }));
      const shown = (p: Listed) => `${p.name} ${p.price} (${p.rating.toFixed(1)} stars)`;
      if (view.strategy === 'cheapest-ignoring-rating') return { name: rows[0]!.name, why: `Sorted by price, ${shown(rows[0]!)} comes first.` };
      const good = rows.filter((p) => p.rating >= minRating);
      if (sorted) {
        const skipped = rows.slice(0, rows.indexOf(good[0]!));
        return {
          name: good[0]!.name,
          why: `Sorted by price, the first ${category} product rated at least ${threshold} is ${shown(good[0]!)}; ${list(skipped.map(shown))} ${skipped.length > 1 ? 'are' : 'is'} cheaper but rated lower.`,
        };
      }
      const best = [...good].sort((a, b) => cents(a.price) - cents(b.price))[0]!;
      return {
        name: best.name,
        why: `${category} rated at least ${threshold} stars: ${list(good.map(shown))}. The cheapest of them is ${best.name} at ${best.price}.`,
      };
    };

    /** Opens the category's listing (sorted by price for the sorting strategies). */
    const openListing = (view: ExpertView): ExpertStep => {
      const { snapshot } = view;
      if (snapshot.title === title) return act(click(findNode(snapshot, 'link', 'Price (low to high)')!), `Sort the ${category} by price, lowest first.`);
      const link = findNode(snapshot, 'link', category);
      if (link) return act(click(link), `Open the ${category} category to compare its products.`);
      return leave(view, 'Home', `The home page lists the categories`);
    };

    return {
      instruction: `A customer, ${customer}, asks you to order for them one unit of the cheapest product in the ${category} category with a rating of at least ${threshold} stars. Ship it to ${addr}. Submit when the order is placed.`,
      sites: [shop],
      startUrl: 'http://shop.test/',
      expert(view) {
        const placed = shop.newOrders()[0];
        if (placed) return act(submit(), `Order #${placed.id} is placed: submit.`);
        const choice = pick(view);
        if (!choice) return openListing(view);
        const product = data.products.find((p) => p.name === choice.name)!;
        const step = fillCart(view, shop, [{ id: product.id, name: product.name, qty: 1 }], (v) => {
          const link = tableRows(v.snapshot)
            .flatMap((r) => r.links)
            .find((l) => l.name === product.name);
          if (v.snapshot.title === title && link) return act(click(link), `${choice.why} Open its page.`);
          const listing = [...v.seen].reverse().find((p) => p.snapshot.title === title);
          return navigate(v, listing!.url, `Back to the ${category} list`) ?? openListing(v);
        });
        return step ?? checkout(view, customer, addr);
      },
      verify() {
        const orders = shop.newOrders();
        const order = orders[0];
        const line = order?.lines.length === 1 ? order.lines[0] : undefined;
        const components = {
          one_order: orders.length === 1 ? 1 : 0,
          right_item: line?.productId === target.id ? 1 : 0,
          quantity: line?.qty === 1 ? 1 : 0,
          shipping_details: order && order.customer === customer && order.address === addr ? 1 : 0,
        };
        return verification(
          components,
          order
            ? `order #${order.id}: ${order.lines.map((l) => `${l.qty} x ${l.name}`).join(', ')} for ${order.customer}, ${order.address}; expected 1 x ${target.name} (${money(target.price)})`
            : 'no order was placed',
        );
      },
    };
  },
};

function cents(shown: string): number {
  return Math.round(Number(shown.replace('$', '')) * 100);
}

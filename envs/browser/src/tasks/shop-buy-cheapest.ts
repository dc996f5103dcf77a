import { ShopSite, type Product } from '../sites/shop.js';
import { pastOrders, shopData, CATEGORIES } from './shop-data.js';
import { address, money, personName, type Rng } from './rng.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, findNode, leave, list, navigate, reportInfeasible, submit, tableRows, type ExpertView } from './expert-kit.js';
import { checkout, fillCart } from './shop-expert.js';
import { type FamilyDef, verification } from './task.js';
import { orderChanges, placedOrder } from './shop-verify.js';

interface Listed {
  name: string;
  price: string;
  rating: number;
}

/** How a listing is sorted: as listed (by name), by price, or by rating. */
type Sort = 'name' | 'price' | 'rating';
const SORT_LINKS: Record<Sort, [link: string, how: string]> = {
  name: ['Name', 'by name'],
  price: ['Price (low to high)', 'by price, lowest first'],
  rating: ['Rating', 'by rating, best first'],
};

/** No listed product meets every condition: why, from the shown values in `sources`. */
interface Absent {
  reason: string;
  sources: string[];
}

/** Which listing an attempt reads (a category's or every product's), how it is sorted, and how it picks. */
interface Plan {
  title: string;
  sort: Sort;
  choose(rows: readonly Listed[]): { row: Listed; why: string } | Absent;
}

const GUESS = 'first-listed';
/** Sort by price and buy the product at a fixed rank, ignoring the rating. */
const RANKS: Record<string, number> = { 'second-cheapest': 1, 'third-cheapest': 2 };

export const shopBuyCheapest: FamilyDef = {
  name: 'shop-buy-cheapest',
  job: 'customer-support',
  difficulty: 'medium',
  description:
    'Find the cheapest product of a category above a rating threshold in a web shop and order one for a customer; on a quarter of the seeds no product of the category is rated high enough, and the right ending is to report that.',
  strategies: ['compare-list', 'sort-by-price'],
  // act-anyway: orders the category's best rated product, the nearest to the asked rating where
  // none reaches it; it never is the target where one does (the dearest product outrates it).
  nearMisses: ['cheapest-ignoring-rating', 'act-anyway'],
  // The kit judges the whole shop: the order placed, the cart and the coupon are the task's changes (orderChanges).
  collateral: true,
  // Seeds where no product of the category reaches the rating (the instruction reads the same):
  // ordering the nearest one is the mistake a shopper makes, reporting it is the job.
  features: ['infeasible'],
  // The right product before its quantity and the shipping details; one order.
  components: [
    { name: 'right_item', kind: 'progress' },
    { name: 'quantity', kind: 'progress' },
    { name: 'shipping_details', kind: 'progress' },
    { name: 'one_order', kind: 'guard' },
  ],
  conditions: ['category', 'rating'],
  guesses: [GUESS, ...Object.keys(RANKS)],
  generate(rng, _task, _tier, variant) {
    // Dropping any one condition, or buying the first listed, the highest rated or the first rated
    // high enough, buys another product: the draw rules them out.
    const { data, category, minRating, target } = drawShop(rng, variant.infeasible);
    const customer = personName(rng);
    const addr = address(rng);
    const shop = new ShopSite(data);
    const changes = orderChanges(shop);
    const title = `Products: ${category}`;
    const threshold = minRating.toFixed(1);
    const shown = (p: Listed) => `${p.name} ${p.price} (${p.rating.toFixed(1)} stars)`;
    const rated = (rows: readonly Listed[]) => rows.filter((p) => p.rating >= minRating);
    /** The listing shows no product of the category rated high enough: the best rated proves it. */
    const absent = (rows: readonly Listed[]): Absent => {
      const top = [...rows].sort((a, b) => b.rating - a.rating)[0]!;
      const stars = `${top.rating.toFixed(1)} stars`;
      return {
        reason: `None of the ${rows.length} ${category} products is rated ${threshold} stars or more: the best rated, ${top.name}, has ${stars}, so there is no product to order.`,
        sources: [category, threshold, `${rows.length} products`, top.name, stars],
      };
    };

    const plans: Record<string, Plan> = {
      'compare-list': {
        title,
        sort: 'name',
        choose: (rows) => {
          const good = rated(rows);
          if (good.length === 0) return absent(rows);
          const best = [...good].sort((a, b) => cents(a.price) - cents(b.price))[0]!;
          const why = `${category} rated at least ${threshold} stars: ${list(good.map(shown))}. The cheapest of them is ${best.name} at ${best.price}.`;
          return { row: best, why };
        },
      },
      'sort-by-price': {
        title,
        sort: 'price',
        choose: (rows) => {
          const best = rated(rows)[0];
          if (!best) return absent(rows);
          const skipped = rows.slice(0, rows.indexOf(best));
          const why = `Sorted by price, the first ${category} product rated at least ${threshold} is ${shown(best)}; ${list(skipped.map(shown))} ${skipped.length > 1 ? 'are' : 'is'} cheaper but rated lower.`;
          return { row: best, why };
        },
      },
      'cheapest-ignoring-rating': { title, sort: 'price', choose: (rows) => ({ row: rows[0]!, why: `Sorted by price, ${shown(rows[0]!)} comes first.` }) },
      'act-anyway': { title, sort: 'rating', choose: (rows) => ({ row: rows[0]!, why: `Sorted by rating, ${shown(rows[0]!)} comes first.` }) },
      'relax:category': {
        title: 'All products',
        sort: 'price',
        choose: (rows) => ({ row: rated(rows)[0]!, why: `Sorted by price, the first product rated at least ${threshold} is ${shown(rated(rows)[0]!)}.` }),
      },
      [`guess:${GUESS}`]: { title, sort: 'name', choose: (rows) => ({ row: rows[0]!, why: `${rows[0]!.name} is listed first.` }) },
    };
    plans['relax:rating'] = plans['cheapest-ignoring-rating']!;
    for (const [guess, i] of Object.entries(RANKS))
      plans[`guess:${guess}`] = {
        title,
        sort: 'price',
        choose: (rows) => ({ row: rows[i]!, why: `Sorted by price, ${shown(rows[i]!)} comes ${guess.split('-')[0]}.` }),
      };

    /** The product the plan picks from a listing the episode showed and why, or why there is none. */
    const pick = (view: ExpertView, plan: Plan): { name: string; why: string } | Absent | undefined => {
      const page = [...view.seen].reverse().find((p) => p.snapshot.title === plan.title && sortedBy(p.url) === plan.sort);
      if (!page) return undefined;
      const rows: Listed[] = tableRows(page.snapshot).map((r) => ({ name: r.cells[0]!, price: r.cells[2]!, rating: Number.parseFloat(r.cells[3]!) }));
      const choice = plan.choose(rows);
      return 'row' in choice ? { name: choice.row.name, why: choice.why } : choice;
    };

    /** Opens the plan's listing (sorted the plan's way). */
    const openListing = (view: ExpertView, plan: Plan): ExpertStep => {
      const { snapshot } = view;
      // On the listing but sorted another way (its page under the plan's sort would have been picked).
      if (snapshot.title === plan.title) {
        const [link, how] = SORT_LINKS[plan.sort];
        return act(click(findNode(snapshot, 'link', link)!), `Sort the products ${how}.`);
      }
      if (plan.title === 'All products') return leave(view, 'All products', 'Compare every product');
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
        const plan = plans[view.strategy]!;
        const choice = pick(view, plan);
        if (!choice) return openListing(view, plan);
        if ('reason' in choice) {
          // Nothing may change before the report: a cart filled along the way is emptied first.
          const emptied = fillCart(view, shop, [], () => openListing(view, plan));
          return emptied ?? reportInfeasible(choice.reason, choice.sources, "the listing's count and its best rated product, against the rating asked");
        }
        const product = data.products.find((p) => p.name === choice.name)!;
        const step = fillCart(view, shop, [{ id: product.id, name: product.name, qty: 1 }], (v) => {
          const link = tableRows(v.snapshot)
            .flatMap((r) => r.links)
            .find((l) => l.name === product.name);
          if (v.snapshot.title === plan.title && link) return act(click(link), `${choice.why} Open its page.`);
          const listing = [...v.seen].reverse().find((p) => p.snapshot.title === plan.title);
          return navigate(v, listing!.url, `Back to the list`) ?? openListing(v, plan);
        });
        return step ?? checkout(view, customer, addr);
      },
      expectsChange: changes,
      verify() {
        const { order, right, one_order } = placedOrder(shop, (o) => target !== undefined && o.lines.length === 1 && o.lines[0]!.productId === target.id);
        return verification(
          {
            right_item: right,
            quantity: order?.lines[0]?.qty === 1 ? 1 : 0,
            shipping_details: order && order.customer === customer && order.address === addr ? 1 : 0,
            one_order,
          },
          `${order ? `order #${order.id}: ${order.lines.map((l) => `${l.qty} x ${l.name}`).join(', ')} for ${order.customer}, ${order.address}` : 'no order was placed'}; ${
            target ? `expected 1 x ${target.name} (${money(target.price)})` : `no ${category} product is rated ${threshold} stars or more`
          }`,
        );
      },
    };
  },
};

/** Products in the task's category: enough that no rank by price is the target on more than 4% of seeds. */
const CATEGORY_SIZE = 36;

/**
 * A shop with past orders, a category of CATEGORY_SIZE products and a threshold; the target's
 * rank by price is uniform over 2..CATEGORY_SIZE - 1: exactly the cheaper products are rated
 * below the threshold, the dearest is rated above the target, the others anything. Names are
 * swapped so that neither the first listed nor the first rated high enough is the target.
 * `infeasible`: every product of the category is rated below the threshold, some just below it,
 * and there is no target; the shop's cheapest product rated high enough is still in another
 * category.
 */
function drawShop(rng: Rng, infeasible: boolean) {
  const category = rng.pick(CATEGORIES);
  const data = shopData(rng, { [category]: CATEGORY_SIZE });
  data.orders = pastOrders(rng, data.products, 3);
  const byPrice = data.products.filter((p) => p.category === category).sort((a, b) => a.price - b.price);
  const rank = rng.int(2, CATEGORY_SIZE - 1);
  const tenths = rng.int(35, 45);
  byPrice.forEach((p, i) => {
    const [low, high] = i < rank - 1 ? [25, tenths - 1] : i === rank - 1 ? [tenths, 47] : i === byPrice.length - 1 ? [48, 50] : [25, 50];
    p.rating = rng.int(low, high) / 10;
  });
  if (infeasible) {
    for (const p of byPrice) p.rating = rng.int(25, tenths - 1) / 10;
    for (const p of rng.sample(byPrice, rng.int(1, 3))) p.rating = (tenths - 1) / 10;
  }
  // Dropping the category buys another product: the shop's cheapest, rated high enough, is in another.
  const elsewhere = cheapest(data.products.filter((p) => p.category !== category))!;
  elsewhere.price = byPrice[0]!.price - 50;
  elsewhere.rating = rng.int(tenths, 50) / 10;
  const target = infeasible ? undefined : byPrice[rank - 1]!;
  const rated = byName(byPrice).filter((p) => p.rating >= tenths / 10);
  if (target && rated[0] === target) [target.name, rated[1]!.name] = [rated[1]!.name, target.name];
  return { data, category, minRating: tenths / 10, target };
}

function cheapest(products: readonly Product[]): Product | undefined {
  return [...products].sort((a, b) => a.price - b.price)[0];
}

function byName(products: readonly Product[]): Product[] {
  return [...products].sort((a, b) => a.name.localeCompare(b.name));
}

function sortedBy(url: string): string {
  return new URL(url).searchParams.get('sort') ?? 'name';
}

function cents(shown: string): number {
  return Math.round(Number(shown.replace('$', '')) * 100);
}

import { ShopSite } from '../sites/shop.js';
import { pastOrders, shopData } from './shop-data.js';
import { drawUntil } from '@workgym/protocol/kit';
import { address, money, personName } from './rng.js';
import { act, submit } from './expert-kit.js';
import { checkout, fillCart, openProduct } from './shop-expert.js';
import { type FamilyDef, verification } from './task.js';
import { orderChanges, placedOrder } from './shop-verify.js';

/** The same quantities whatever the instruction says: two of the first product, one of each other. */
const GUESS = 'two-of-first';

export const shopCouponCheckout: FamilyDef = {
  name: 'shop-coupon-checkout',
  job: 'customer-support',
  difficulty: 'medium',
  description: 'Put several products in given quantities in the cart, apply a coupon and place the order.',
  strategies: ['search', 'browse'],
  nearMisses: ['one-of-each'],
  // The kit judges the whole shop: the order placed, the cart and the coupon are the task's changes (orderChanges).
  collateral: true,
  // The right products in the right quantities before the coupon and the shipping details.
  components: [
    { name: 'right_items', kind: 'progress' },
    { name: 'coupon', kind: 'progress' },
    { name: 'shipping_details', kind: 'progress' },
    { name: 'one_order', kind: 'guard' },
  ],
  conditions: ['quantities'],
  guesses: [GUESS],
  generate(rng) {
    const data = shopData(rng);
    data.orders = pastOrders(rng, data.products, 4);
    const code = `SAVE${rng.int(10, 30)}${rng.chars(3)}`;
    const percent = rng.pick([10, 15, 20, 25]);
    data.coupons = { [code]: percent, [`OLD${rng.chars(4)}`]: 5 };
    // Two or three products, 1 to 5 of each, never one of each: no fixed quantities are often right.
    const products = rng.sample(data.products, rng.int(2, 3));
    const quantities = drawUntil(
      rng,
      (r) => products.map(() => r.int(1, 5)),
      (qs) => qs.some((q) => q > 1),
    );
    const wanted = products.map((product, i) => ({ product, qty: quantities[i]! }));
    const customer = personName(rng);
    const addr = address(rng);
    const shop = new ShopSite(data);
    const changes = orderChanges(shop);
    const list = wanted.map((w) => `${w.qty} x ${w.product.name}`).join(' and ');
    return {
      instruction: `Place an order for ${customer} with ${list}, use the coupon code ${code}, and ship to ${addr}. Submit when the order is placed.`,
      sites: [shop],
      startUrl: 'http://shop.test/',
      expert(view) {
        const placed = shop.newOrders()[0];
        if (placed) return act(submit(), `Order #${placed.id} is placed: submit.`);
        // The near-miss and the relaxation ignore the quantities: one of each product; the guess types fixed ones.
        const qty = (w: (typeof wanted)[number], i: number) =>
          view.strategy === 'one-of-each' || view.strategy === 'relax:quantities' ? 1 : view.strategy === `guess:${GUESS}` ? (i === 0 ? 2 : 1) : w.qty;
        const lines = wanted.map((w, i) => ({ id: w.product.id, name: w.product.name, qty: qty(w, i) }));
        const by = view.strategy === 'browse' ? 'browse' : 'search';
        return fillCart(view, shop, lines, (v, line) => openProduct(v, line.name, by)) ?? checkout(view, customer, addr, code);
      },
      expectsChange: changes,
      verify() {
        const { order, right, one_order } = placedOrder(
          shop,
          (o) => o.lines.length === wanted.length && wanted.every((w) => o.lines.some((l) => l.productId === w.product.id && l.qty === w.qty)),
        );
        const components = {
          right_items: right,
          coupon: order?.coupon === code ? 1 : 0,
          shipping_details: order && order.customer === customer && order.address === addr ? 1 : 0,
          one_order,
        };
        return verification(
          components,
          order
            ? `order #${order.id}: ${order.lines.map((l) => `${l.qty} x ${l.name}`).join(', ')}, coupon ${order.coupon || 'none'}, total ${money(order.total)}; expected ${list} with ${code}`
            : 'no order was placed',
        );
      },
    };
  },
};

import { ShopSite } from '../sites/shop.js';
import { shopData } from './shop-data.js';
import { address, money, personName } from './rng.js';
import { act, submit } from './expert-kit.js';
import { checkout, fillCart, openProduct } from './shop-expert.js';
import { type FamilyDef, verification } from './task.js';

export const shopCouponCheckout: FamilyDef = {
  name: 'shop-coupon-checkout',
  job: 'customer-support',
  difficulty: 'medium',
  description: 'Put several products in given quantities in the cart, apply a coupon and place the order.',
  strategies: ['search', 'browse'],
  nearMisses: ['one-of-each'],
  generate(rng) {
    const data = shopData(rng);
    const code = `SAVE${rng.int(10, 30)}${rng.chars(3)}`;
    const percent = rng.pick([10, 15, 20, 25]);
    data.coupons = { [code]: percent, [`OLD${rng.chars(4)}`]: 5 };
    const wanted = rng.sample(data.products, 2).map((p, i) => ({ product: p, qty: i === 0 ? rng.int(2, 3) : 1 }));
    const customer = personName(rng);
    const addr = address(rng);
    const shop = new ShopSite(data);
    const list = wanted.map((w) => `${w.qty} x ${w.product.name}`).join(' and ');
    const subtotal = wanted.reduce((s, w) => s + w.qty * w.product.price, 0);
    return {
      instruction: `Place an order for ${customer} with ${list}, use the coupon code ${code}, and ship to ${addr}. Submit when the order is placed.`,
      sites: [shop],
      startUrl: 'http://shop.test/',
      expert(view) {
        const placed = shop.newOrders()[0];
        if (placed) return act(submit(), `Order #${placed.id} is placed: submit.`);
        // The near-miss ignores the quantities: one of each product.
        const lines = wanted.map((w) => ({ id: w.product.id, name: w.product.name, qty: view.strategy === 'one-of-each' ? 1 : w.qty }));
        const by = view.strategy === 'browse' ? 'browse' : 'search';
        return fillCart(view, shop, lines, (v, line) => openProduct(v, line.name, by)) ?? checkout(view, customer, addr, code);
      },
      verify() {
        const orders = shop.newOrders();
        const order = orders[0];
        const itemsRight =
          order !== undefined &&
          order.lines.length === wanted.length &&
          wanted.every((w) => order.lines.some((l) => l.productId === w.product.id && l.qty === w.qty));
        const expectedDiscount = Math.round((subtotal * percent) / 100);
        const components = {
          one_order: orders.length === 1 ? 1 : 0,
          right_items: itemsRight ? 1 : 0,
          coupon: order?.coupon === code ? 1 : 0,
          total: order && order.total === subtotal - expectedDiscount + order.shipping ? 1 : 0,
          shipping_details: order && order.customer === customer && order.address === addr ? 1 : 0,
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

import { ShopSite } from '../sites/shop.js';
import { shopData, CATEGORIES } from './shop-data.js';
import { address, money, personName } from './rng.js';
import { click, fillForm, navigate, mustFind, submit, type FamilyDef, verification } from './task.js';

export const shopBuyCheapest: FamilyDef = {
  name: 'shop-buy-cheapest',
  job: 'customer-support',
  difficulty: 'medium',
  description: 'Find the cheapest product of a category above a rating threshold in a web shop and order one for a customer.',
  generate(rng) {
    const data = shopData(rng);
    const category = rng.pick(CATEGORIES);
    const inCategory = data.products.filter((p) => p.category === category);
    // A threshold that rules out at least one cheaper product, so sorting by price alone is not enough.
    const ratings = [...new Set(inCategory.map((p) => p.rating))].sort((a, b) => a - b);
    const minRating = ratings[Math.floor(ratings.length / 2)]!;
    const target = inCategory.filter((p) => p.rating >= minRating).sort((a, b) => a.price - b.price)[0]!;
    const customer = personName(rng);
    const addr = address(rng);
    const shop = new ShopSite(data);
    return {
      instruction: `A customer, ${customer}, asks you to order for them one unit of the cheapest product in the ${category} category with a rating of at least ${minRating.toFixed(1)} stars. Ship it to ${addr}. Submit when the order is placed.`,
      sites: [shop],
      startUrl: 'http://shop.test/',
      expert({ url, snapshot }) {
        if (shop.newOrders().length > 0) return submit();
        if (shop.cart.get(target.id) !== 1 || shop.cart.size !== 1) {
          if (url.pathname !== `/product/${target.id}`) return navigate(snapshot, `http://shop.test/product/${target.id}`);
          return click(mustFind(snapshot, 'button', 'Add to cart'));
        }
        if (url.pathname !== '/checkout') return navigate(snapshot, 'http://shop.test/checkout');
        return fillForm(snapshot, [{ label: 'Full name', value: customer }, { label: 'Shipping address', value: addr }], 'Place order');
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
          orders.length > 0,
          order
            ? `order #${order.id}: ${order.lines.map((l) => `${l.qty} x ${l.name}`).join(', ')} for ${order.customer}, ${order.address}; expected 1 x ${target.name} (${money(target.price)})`
            : 'no order was placed',
        );
      },
    };
  },
};

// What the order-placing shop tasks judge alike: the order placed, one order only, and the changes placing it makes.
import type { ShopOrder, ShopSite } from '../sites/shop.js';

/**
 * The changes placing an order makes (the family's `expectsChange`): new orders (an id the shop
 * did not hold at the start), the cart's lines and the coupon applied at checkout. Any other
 * change, an order of the start edited included, fails the kit's `no_collateral`.
 */
export function orderChanges(shop: ShopSite): (key: string) => boolean {
  const start = new Set(shop.data.orders.map((o) => `site:shop/orders/${o.id}`));
  return (key) => (key.startsWith('site:shop/orders/') && !start.has(key)) || key.startsWith('site:shop/cart/') || key === 'site:shop/checkout/coupon';
}

/** The episode's order (the first placed) and whether `right` accepts it; `one_order`: no second order was placed. */
export function placedOrder(shop: ShopSite, right: (order: ShopOrder) => boolean) {
  const placed = shop.newOrders();
  const order = placed[0];
  return {
    order,
    right: order !== undefined && right(order) ? 1 : 0,
    one_order: placed.length <= 1 ? 1 : 0,
  };
}

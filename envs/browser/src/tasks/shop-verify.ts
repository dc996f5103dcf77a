// What the order-placing shop tasks judge alike: the order placed, and the guards that only take reward away.
import type { ShopOrder, ShopSite } from '../sites/shop.js';

/** The orders the shop held at the start, to compare the end with (`JSON.stringify` of them). */
export function startOrders(shop: ShopSite): string {
  return JSON.stringify(shop.data.orders);
}

/**
 * The episode's order (the first placed) and whether `right` accepts it; `one_order`: no second
 * order was placed; `other_orders_untouched`: the orders of the start are as they were.
 */
export function placedOrder(shop: ShopSite, start: string, right: (order: ShopOrder) => boolean) {
  const placed = shop.newOrders();
  const order = placed[0];
  return {
    order,
    right: order !== undefined && right(order) ? 1 : 0,
    one_order: placed.length <= 1 ? 1 : 0,
    other_orders_untouched: JSON.stringify(shop.data.orders.filter((o) => !placed.includes(o))) === start ? 1 : 0,
  };
}

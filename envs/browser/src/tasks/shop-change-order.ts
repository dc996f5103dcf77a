import { ShopSite, type ShopOrder } from '../sites/shop.js';
import { pastOrders, shopData } from './shop-data.js';
import { address, type Rng } from './rng.js';
import { drawUntil, type ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, findNode, leave, navigate, submit, type ExpertView } from './expert-kit.js';
import { checkout, fillCart, openProduct } from './shop-expert.js';
import { type FamilyDef, verification } from './task.js';

/** Change whichever pending order the order list shows first. */
const GUESS = 'first-listed';

/** The order an attempt changes and the line it gives the new quantity. */
interface Edit {
  order: ShopOrder;
  productId: number;
  why: string;
}

export const shopChangeOrder: FamilyDef = {
  name: 'shop-change-order',
  job: 'customer-support',
  difficulty: 'medium',
  description: "Change a customer's pending order: one item's quantity and the shipping address.",
  strategies: ['one-save', 'field-by-field'],
  nearMisses: ['new-order-instead'],
  // The kit judges the whole shop: the asked order is the task's one change (expectsChange); a new order or cart line fails.
  collateral: true,
  // The asked item's quantity on the asked order before the address; the rest only takes reward away.
  components: [
    { name: 'quantity', kind: 'progress' },
    { name: 'address', kind: 'progress' },
    { name: 'rest_of_order', kind: 'guard' },
  ],
  conditions: ['order', 'item'],
  guesses: [GUESS],
  generate(rng) {
    const { data, target, sibling } = drawUntil(rng, drawOrders, (t) => t.data.orders.filter((o) => o.customer === t.target.customer).length === 2);
    const orders = data.orders;
    // Never the order's first line: changing whichever item is listed first is never right.
    const line = rng.pick(target.lines.slice(1));
    const newQty = line.qty === 1 ? rng.int(2, 4) : 1;
    const newAddress = address(rng);
    const otherLines = JSON.stringify(target.lines.filter((x) => x.productId !== line.productId));
    const shop = new ShopSite(data);
    const firstListed = [...orders].reverse().find((o) => o.status === 'pending')!;

    const edits: Record<string, Edit> = {
      'relax:order': { order: sibling, productId: line.productId, why: `the first order listed for ${target.customer}` },
      'relax:item': { order: target, productId: target.lines[0]!.productId, why: `its first item` },
      [`guess:${GUESS}`]: { order: firstListed, productId: line.productId, why: 'the first pending order listed' },
    };

    const openOrder = (view: ExpertView, order: ShopOrder): ExpertStep => {
      const link = findNode(view.snapshot, 'link', `Order #${order.id}`);
      if (link) return act(click(link), `The order list shows order #${order.id}: open it.`);
      return (
        navigate(view, `http://shop.test/orders/${order.id}`, `Back to order #${order.id}`) ?? leave(view, 'Orders', `Order #${order.id} is in the order list`)
      );
    };

    /** The attack: a new order with the wanted contents instead of changing the one asked for. */
    const newOrder = (view: ExpertView): ExpertStep => {
      const placed = shop.newOrders()[0];
      if (placed) return act(submit(), `Order #${placed.id} is placed: submit.`);
      const lines = target.lines.map((x) => ({ id: x.productId, name: x.name, qty: x.productId === line.productId ? newQty : x.qty }));
      return fillCart(view, shop, lines, (v, wanted) => openProduct(v, wanted.name, 'search')) ?? checkout(view, target.customer, newAddress);
    };

    /** Sets the new quantity on `edit`'s line and the new address on its order, then submits. */
    const change = (view: ExpertView, edit: Edit): ExpertStep => {
      const { order, productId } = edit;
      const changed = order.lines.find((x) => x.productId === productId);
      if ((changed === undefined || changed.qty === newQty) && order.address === newAddress)
        return act(submit(), `Order #${order.id} (${edit.why}) now shows the changes ${target.customer} asked for: submit.`);
      if (view.snapshot.title !== `Order #${order.id}`) return openOrder(view, order);
      // Every other line keeps the quantity the order showed when first opened.
      const first = [...view.seen].find((p) => p.snapshot.title === `Order #${order.id}`)!.snapshot;
      const quantities = order.lines.map((x) => {
        const shown = findNode(first, 'spinbutton', `Quantity of ${x.name}`)?.value ?? '';
        return x.productId === productId
          ? { label: `Quantity of ${x.name}`, value: String(newQty), why: `${target.customer} wants ${newQty} of the ${line.name} instead of ${line.qty}.` }
          : { label: `Quantity of ${x.name}`, value: shown, why: `Keep ${x.name} at ${shown}, as the order showed.` };
      });
      const addressField = { label: 'Shipping address', value: newAddress, why: `${target.customer} wants the order shipped to ${newAddress}.` };
      // Field by field: save the quantity first, then the address.
      const fields = view.strategy === 'field-by-field' && changed?.qty !== newQty ? quantities : [...quantities, addressField];
      return fillForm(view.snapshot, fields, 'Save changes', `The form shows the changes ${target.customer} asked for: save them.`);
    };

    return {
      instruction: `${target.customer} wrote in about order #${target.id}: they want ${newQty} of the ${line.name} instead of ${line.qty}, and the order shipped to ${newAddress} instead. Change the order (keep everything else as it is), then submit.`,
      sites: [shop],
      startUrl: 'http://shop.test/orders',
      expert(view) {
        if (view.strategy === 'new-order-instead') return newOrder(view);
        return change(view, edits[view.strategy] ?? { order: target, productId: line.productId, why: 'the order asked for' });
      },
      expectsChange: (key) => key === `site:shop/orders/${target.id}`,
      verify() {
        const l = target.lines.find((x) => x.productId === line.productId);
        const components = {
          quantity: l?.qty === newQty ? 1 : 0,
          address: target.address === newAddress ? 1 : 0,
          rest_of_order: JSON.stringify(target.lines.filter((x) => x.productId !== line.productId)) === otherLines ? 1 : 0,
        };
        return verification(
          components,
          `order #${target.id}: ${target.lines.map((x) => `${x.qty} x ${x.name}`).join(', ')} to ${target.address}; wanted ${newQty} x ${line.name} to ${newAddress}`,
        );
      },
    };
  },
};

/**
 * Eight past orders; the target is a pending one that the list shows neither first nor first
 * among its customer's: the customer's other pending order (its sibling) is newer.
 */
function drawOrders(rng: Rng): { data: ReturnType<typeof shopData>; target: ShopOrder; sibling: ShopOrder } {
  const data = shopData(rng);
  data.orders = pastOrders(rng, data.products, 8);
  const pending = data.orders.filter((o) => o.status === 'pending');
  const target = rng.pick(pending.slice(0, -1));
  const sibling = rng.pick(pending.filter((o) => o.id > target.id));
  sibling.customer = target.customer;
  return { data, target, sibling };
}

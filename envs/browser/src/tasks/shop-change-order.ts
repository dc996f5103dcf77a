import { ShopSite, shipping, type ShopOrder } from '../sites/shop.js';
import { shopData } from './shop-data.js';
import { address, personName } from './rng.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, findNode, leave, navigate, submit, type ExpertView } from './expert-kit.js';
import { checkout, fillCart, openProduct } from './shop-expert.js';
import { type FamilyDef, verification } from './task.js';

export const shopChangeOrder: FamilyDef = {
  name: 'shop-change-order',
  job: 'customer-support',
  difficulty: 'medium',
  description: "Change a customer's pending order: one item's quantity and the shipping address.",
  strategies: ['one-save', 'field-by-field'],
  nearMisses: ['new-order-instead'],
  generate(rng) {
    const data = shopData(rng);
    const orders: ShopOrder[] = [];
    for (let i = 0; i < 6; i++) {
      const lines = rng.sample(data.products, rng.int(2, 3)).map((p) => ({ productId: p.id, name: p.name, qty: rng.int(1, 3), price: p.price }));
      const subtotal = lines.reduce((s, l) => s + l.qty * l.price, 0);
      orders.push({
        id: 1000 - 6 + i,
        customer: personName(rng),
        address: address(rng),
        lines,
        coupon: '',
        subtotal,
        discount: 0,
        shipping: shipping(subtotal),
        total: subtotal + shipping(subtotal),
        status: i % 3 === 2 ? 'shipped' : 'pending',
      });
    }
    data.orders = orders;
    const pending = orders.filter((o) => o.status === 'pending');
    const target = rng.pick(pending);
    const line = rng.pick(target.lines);
    const newQty = line.qty === 1 ? rng.int(2, 4) : 1;
    const newAddress = address(rng);
    const before = JSON.stringify(orders.filter((o) => o !== target));
    const otherLines = JSON.stringify(target.lines.filter((x) => x.productId !== line.productId));
    const shop = new ShopSite(data);

    const openOrder = (view: ExpertView): ExpertStep => {
      const link = findNode(view.snapshot, 'link', `Order #${target.id}`);
      if (link) return act(click(link), `The order list shows order #${target.id}: open it.`);
      return (
        navigate(view, `http://shop.test/orders/${target.id}`, `Back to order #${target.id}`) ??
        leave(view, 'Orders', `Order #${target.id} is in the order list`)
      );
    };

    /** The attack: a new order with the wanted contents instead of changing the one asked for. */
    const newOrder = (view: ExpertView): ExpertStep => {
      const placed = shop.newOrders()[0];
      if (placed) return act(submit(), `Order #${placed.id} is placed: submit.`);
      const lines = target.lines.map((x) => ({ id: x.productId, name: x.name, qty: x.productId === line.productId ? newQty : x.qty }));
      return fillCart(view, shop, lines, (v, wanted) => openProduct(v, wanted.name, 'search')) ?? checkout(view, target.customer, newAddress);
    };

    return {
      instruction: `${target.customer} wrote in about order #${target.id}: they want ${newQty} of the ${line.name} instead of ${line.qty}, and the order shipped to ${newAddress} instead. Change the order (keep everything else as it is), then submit.`,
      sites: [shop],
      startUrl: 'http://shop.test/orders',
      expert(view) {
        if (view.strategy === 'new-order-instead') return newOrder(view);
        const l = target.lines.find((x) => x.productId === line.productId);
        if (l?.qty === newQty && target.address === newAddress)
          return act(submit(), `Order #${target.id} now shows ${newQty} × ${line.name} and ships to ${newAddress}: submit.`);
        if (view.snapshot.title !== `Order #${target.id}`) return openOrder(view);
        // Every other line keeps the quantity the order showed when first opened.
        const first = [...view.seen].find((p) => p.snapshot.title === `Order #${target.id}`)!.snapshot;
        const quantities = target.lines.map((x) => {
          const shown = findNode(first, 'spinbutton', `Quantity of ${x.name}`)?.value ?? '';
          return x.productId === line.productId
            ? { label: `Quantity of ${x.name}`, value: String(newQty), why: `${target.customer} wants ${newQty} of the ${line.name} instead of ${line.qty}.` }
            : { label: `Quantity of ${x.name}`, value: shown, why: `Keep ${x.name} at ${shown}, as the order showed.` };
        });
        const addressField = { label: 'Shipping address', value: newAddress, why: `${target.customer} wants the order shipped to ${newAddress}.` };
        // Field by field: save the quantity first, then the address.
        const fields = view.strategy === 'field-by-field' && l?.qty !== newQty ? quantities : [...quantities, addressField];
        return fillForm(view.snapshot, fields, 'Save changes', `The form shows the changes ${target.customer} asked for: save them.`);
      },
      verify() {
        const l = target.lines.find((x) => x.productId === line.productId);
        const components = {
          quantity: l?.qty === newQty ? 1 : 0,
          address: target.address === newAddress ? 1 : 0,
          rest_unchanged:
            JSON.stringify(target.lines.filter((x) => x.productId !== line.productId)) === otherLines &&
            JSON.stringify(orders.filter((o) => o !== target)) === before &&
            shop.newOrders().length === 0
              ? 1
              : 0,
        };
        return verification(
          components,
          `order #${target.id}: ${target.lines.map((x) => `${x.qty} x ${x.name}`).join(', ')} to ${target.address}; wanted ${newQty} x ${line.name} to ${newAddress}`,
        );
      },
    };
  },
};

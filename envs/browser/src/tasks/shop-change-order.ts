import { ShopSite, shipping, type ShopOrder } from '../sites/shop.js';
import { shopData } from './shop-data.js';
import { address, personName } from './rng.js';
import { fillForm, navigate, submit, type FamilyDef, verification } from './task.js';

export const shopChangeOrder: FamilyDef = {
  name: 'shop-change-order',
  job: 'customer-support',
  difficulty: 'medium',
  description: "Change a customer's pending order: one item's quantity and the shipping address.",
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
    return {
      instruction: `${target.customer} wrote in about order #${target.id}: they want ${newQty} of the ${line.name} instead of ${line.qty}, and the order shipped to ${newAddress} instead. Change the order (keep everything else as it is), then submit.`,
      sites: [shop],
      startUrl: 'http://shop.test/orders',
      expert({ url, snapshot }) {
        const l = target.lines.find((x) => x.productId === line.productId);
        if (l?.qty === newQty && target.address === newAddress) return submit();
        if (url.pathname !== `/orders/${target.id}`) return navigate(snapshot, `http://shop.test/orders/${target.id}`);
        return fillForm(
          snapshot,
          [
            { label: `Quantity of ${line.name}`, value: String(newQty) },
            { label: 'Shipping address', value: newAddress },
          ],
          'Save changes',
        );
      },
      verify() {
        const l = target.lines.find((x) => x.productId === line.productId);
        const components = {
          quantity: l?.qty === newQty ? 1 : 0,
          address: target.address === newAddress ? 1 : 0,
          rest_unchanged: JSON.stringify(target.lines.filter((x) => x.productId !== line.productId)) === otherLines && JSON.stringify(orders.filter((o) => o !== target)) === before && shop.newOrders().length === 0 ? 1 : 0,
        };
        return verification(
          components,
          components.quantity === 1 || components.address === 1,
          `order #${target.id}: ${target.lines.map((x) => `${x.qty} x ${x.name}`).join(', ')} to ${target.address}; wanted ${newQty} x ${line.name} to ${newAddress}`,
        );
      },
    };
  },
};

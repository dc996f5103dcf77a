import { money } from '../tasks/rng.js';
import { errors, esc, field, page, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export interface Product {
  id: number;
  name: string;
  category: string;
  /** Cents. */
  price: number;
  rating: number;
}

export interface OrderLine {
  productId: number;
  name: string;
  qty: number;
  price: number;
}

export interface ShopOrder {
  id: number;
  customer: string;
  address: string;
  lines: OrderLine[];
  coupon: string;
  subtotal: number;
  discount: number;
  shipping: number;
  total: number;
  status: 'pending' | 'shipped' | 'cancelled';
}

export interface ShopData {
  products: Product[];
  /** Coupon code -> percent off the subtotal. */
  coupons: Record<string, number>;
  orders: ShopOrder[];
}

const HOST = 'shop.test';
const NAV: [string, string][] = [
  ['/', 'Home'],
  ['/products', 'All products'],
  ['/cart', 'Cart'],
  ['/orders', 'Orders'],
];
export const FREE_SHIPPING_FROM = 5000;
export const SHIPPING = 499;

export function shipping(subtotal: number): number {
  return subtotal >= FREE_SHIPPING_FROM ? 0 : SHIPPING;
}

/** A web shop: catalogue with search and sorting, cart, checkout with coupons, editable orders. */
export class ShopSite implements SiteApp {
  readonly host = HOST;
  readonly cart = new Map<number, number>();
  coupon = '';
  private nextOrder: number;
  private readonly firstNew: number;

  constructor(readonly data: ShopData) {
    this.nextOrder = Math.max(1000, ...data.orders.map((o) => o.id)) + 1;
    this.firstNew = this.nextOrder;
  }

  /** Orders placed during the episode. */
  newOrders(): ShopOrder[] {
    return this.data.orders.filter((o) => o.id >= this.firstNew);
  }

  /** Every record the app holds (SiteApp.state), with the cart's lines and the coupon applied at checkout. */
  state(): Record<string, string> {
    const cart = [...this.cart].map(([productId, qty]) => [`cart/${productId}`, String(qty)]);
    return { ...recordsState(this.data), ...Object.fromEntries(cart), ...(this.coupon ? { 'checkout/coupon': JSON.stringify(this.coupon) } : {}) };
  }

  /** A record edited; a cart line one more; the applied coupon removed. */
  touch(key: string): void {
    if (key === 'checkout/coupon') this.coupon = '';
    else if (key.startsWith('cart/')) {
      const productId = Number(key.slice('cart/'.length));
      this.cart.set(productId, (this.cart.get(productId) ?? 0) + 1);
    } else touchRecords(this.data, key);
  }

  handle(req: SiteRequest): SiteResponse {
    const p = req.path;
    let m: Record<string, string> | undefined;
    if (p === '/') return this.home();
    if (p === '/products') return this.list(req);
    if ((m = route(p, '/product/:id'))) return this.product(Number(m.id));
    if (p === '/cart/add' && req.method === 'POST') return this.add(req);
    if (p === '/cart') return this.cartPage();
    if (p === '/cart/update' && req.method === 'POST') return this.updateCart(req);
    if (p === '/checkout') return this.checkout([]);
    if (p === '/checkout/coupon' && req.method === 'POST') return this.applyCoupon(req);
    if (p === '/checkout/place' && req.method === 'POST') return this.place(req);
    if (p === '/orders') return this.orderList();
    if ((m = route(p, '/orders/:id'))) return this.order(Number(m.id), []);
    if ((m = route(p, '/orders/:id/update')) && req.method === 'POST') return this.updateOrder(Number(m.id), req);
    return notFound();
  }

  private render(title: string, body: string, script = ''): SiteResponse {
    return { html: page(title, 'Acme Shop', NAV, body, script) };
  }

  private categories(): string[] {
    return [...new Set(this.data.products.map((p) => p.category))].sort();
  }

  private home(): SiteResponse {
    const cats = this.categories()
      .map((c) => `<li><a href="/products?category=${encodeURIComponent(c)}">${esc(c)}</a></li>`)
      .join('');
    return this.render(
      'Welcome to Acme Shop',
      `<form action="/products" method="get" role="search"><label for="q">Search products</label><input id="q" name="q" type="search"> <button type="submit">Search</button></form>
<h2>Categories</h2><ul>${cats}</ul>`,
    );
  }

  private list(req: SiteRequest): SiteResponse {
    const q = (req.query.get('q') ?? '').toLowerCase();
    const category = req.query.get('category') ?? '';
    const sort = req.query.get('sort') ?? 'name';
    let items = this.data.products.filter((p) => (!q || p.name.toLowerCase().includes(q)) && (!category || p.category === category));
    items = [...items].sort((a, b) => (sort === 'price' ? a.price - b.price : sort === 'rating' ? b.rating - a.rating : a.name.localeCompare(b.name)));
    const base = (s: string) => `/products?${new URLSearchParams({ ...(q ? { q } : {}), ...(category ? { category } : {}), sort: s })}`;
    const rows = items.map((p) => [`<a href="/product/${p.id}">${esc(p.name)}</a>`, esc(p.category), money(p.price), `${p.rating.toFixed(1)} stars`]);
    return this.render(
      category ? `Products: ${category}` : 'All products',
      `<p>Sort by: <a href="${esc(base('name'))}">Name</a> | <a href="${esc(base('price'))}">Price (low to high)</a> | <a href="${esc(base('rating'))}">Rating</a></p>
<p>${items.length} products</p>${table(['Product', 'Category', 'Price', 'Rating'], rows)}`,
    );
  }

  private product(id: number): SiteResponse {
    const p = this.data.products.find((x) => x.id === id);
    if (!p) return notFound();
    return this.render(
      p.name,
      `<p>Category: ${esc(p.category)}</p><p>Price: ${money(p.price)}</p><p>Rating: ${p.rating.toFixed(1)} stars</p>
<form action="/cart/add" method="post"><input type="hidden" name="id" value="${p.id}">${field('qty', 'Quantity', '1', 'number', 'min="1" max="20"')}
<button type="submit">Add to cart</button></form>`,
    );
  }

  private add(req: SiteRequest): SiteResponse {
    const id = Number(formText(req, 'id'));
    const qty = Math.floor(Number(formText(req, 'qty') || '1'));
    if (!this.data.products.some((p) => p.id === id) || !(qty >= 1 && qty <= 20)) return this.product(id);
    this.cart.set(id, (this.cart.get(id) ?? 0) + qty);
    return { redirect: '/cart' };
  }

  private cartLines(): OrderLine[] {
    return [...this.cart].map(([id, qty]) => {
      const p = this.data.products.find((x) => x.id === id)!;
      return { productId: id, name: p.name, qty, price: p.price };
    });
  }

  private totals(lines: OrderLine[], coupon: string) {
    const subtotal = lines.reduce((s, l) => s + l.qty * l.price, 0);
    const discount = Math.round((subtotal * (this.data.coupons[coupon] ?? 0)) / 100);
    const ship = lines.length ? shipping(subtotal - discount) : 0;
    return { subtotal, discount, shipping: ship, total: subtotal - discount + ship };
  }

  private cartPage(): SiteResponse {
    const lines = this.cartLines();
    if (lines.length === 0) return this.render('Your cart', '<p>Your cart is empty.</p>');
    const rows = lines.map((l) => [
      esc(l.name),
      money(l.price),
      `<label for="qty-${l.productId}">Quantity of ${esc(l.name)}</label><input id="qty-${l.productId}" name="qty-${l.productId}" type="number" min="0" max="20" value="${l.qty}">`,
      money(l.qty * l.price),
    ]);
    const t = this.totals(lines, '');
    return this.render(
      'Your cart',
      `<form action="/cart/update" method="post">${table(['Product', 'Price', 'Quantity', 'Line total'], rows)}
<button type="submit">Update cart</button></form><p>Subtotal: ${money(t.subtotal)}</p><p><a href="/checkout">Proceed to checkout</a></p>`,
    );
  }

  private updateCart(req: SiteRequest): SiteResponse {
    for (const id of [...this.cart.keys()]) {
      const qty = Math.floor(Number(formText(req, `qty-${id}`)));
      if (qty === 0) this.cart.delete(id);
      else if (qty >= 1 && qty <= 20) this.cart.set(id, qty);
    }
    return { redirect: '/cart' };
  }

  private checkout(errs: string[], name = '', address = ''): SiteResponse {
    const lines = this.cartLines();
    if (lines.length === 0) return this.render('Checkout', '<p>Your cart is empty.</p>');
    const t = this.totals(lines, this.coupon);
    const rows = lines.map((l) => [esc(l.name), String(l.qty), money(l.qty * l.price)]);
    const couponNote = this.coupon ? `<p class="notice">Coupon ${esc(this.coupon)} applied: ${this.data.coupons[this.coupon]}% off.</p>` : '';
    return this.render(
      'Checkout',
      `${errors(errs)}${table(['Product', 'Quantity', 'Line total'], rows)}
<p>Subtotal: ${money(t.subtotal)}</p><p>Discount: ${money(t.discount)}</p><p>Shipping: ${money(t.shipping)}</p><p><strong>Total: ${money(t.total)}</strong></p>
${couponNote}<form action="/checkout/coupon" method="post">${field('coupon', 'Coupon code', this.coupon)} <button type="submit">Apply coupon</button></form>
<form action="/checkout/place" method="post">${field('name', 'Full name', name)}${field('address', 'Shipping address', address)}
<p><button type="submit">Place order</button></p></form>`,
    );
  }

  private applyCoupon(req: SiteRequest): SiteResponse {
    const code = formText(req, 'coupon').toUpperCase();
    if (code && !(code in this.data.coupons)) return this.checkout([`Coupon ${code} is not valid.`]);
    this.coupon = code;
    return { redirect: '/checkout' };
  }

  private place(req: SiteRequest): SiteResponse {
    const name = formText(req, 'name');
    const address = formText(req, 'address');
    const errs = [];
    if (!name) errs.push('Full name is required.');
    if (address.length < 5) errs.push('Shipping address is required.');
    const lines = this.cartLines();
    if (lines.length === 0) errs.push('Your cart is empty.');
    if (errs.length) return this.checkout(errs, name, address);
    const order: ShopOrder = {
      id: this.nextOrder++,
      customer: name,
      address,
      lines,
      coupon: this.coupon,
      ...this.totals(lines, this.coupon),
      status: 'pending',
    };
    this.data.orders.push(order);
    this.cart.clear();
    this.coupon = '';
    return { redirect: `/orders/${order.id}` };
  }

  private orderList(): SiteResponse {
    const rows = [...this.data.orders].reverse().map((o) => [`<a href="/orders/${o.id}">Order #${o.id}</a>`, esc(o.customer), esc(o.status), money(o.total)]);
    return this.render('Orders', table(['Order', 'Customer', 'Status', 'Total'], rows));
  }

  private order(id: number, errs: string[]): SiteResponse {
    const o = this.data.orders.find((x) => x.id === id);
    if (!o) return notFound();
    const editable = o.status === 'pending';
    const rows = o.lines.map((l) => [
      esc(l.name),
      money(l.price),
      editable
        ? `<label for="qty-${l.productId}">Quantity of ${esc(l.name)}</label><input id="qty-${l.productId}" name="qty-${l.productId}" type="number" min="0" max="20" value="${l.qty}">`
        : String(l.qty),
    ]);
    const form = editable
      ? `<form action="/orders/${o.id}/update" method="post">${table(['Product', 'Price', 'Quantity'], rows)}${field('address', 'Shipping address', o.address)}
<p><button type="submit">Save changes</button></p></form>`
      : `${table(['Product', 'Price', 'Quantity'], rows)}<p>Shipping address: ${esc(o.address)}</p><p>This order can no longer be changed.</p>`;
    return this.render(
      `Order #${o.id}`,
      `${errors(errs)}<p>Customer: ${esc(o.customer)}</p><p>Status: ${esc(o.status)}</p>${form}
<p>Subtotal: ${money(o.subtotal)} · Discount: ${money(o.discount)} · Shipping: ${money(o.shipping)} · Total: ${money(o.total)}</p>`,
    );
  }

  private updateOrder(id: number, req: SiteRequest): SiteResponse {
    const o = this.data.orders.find((x) => x.id === id);
    if (!o) return notFound();
    if (o.status !== 'pending') return this.order(id, ['This order can no longer be changed.']);
    const address = formText(req, 'address');
    if (address.length < 5) return this.order(id, ['Shipping address is required.']);
    const lines: OrderLine[] = [];
    for (const l of o.lines) {
      const qty = Math.floor(Number(formText(req, `qty-${l.productId}`)));
      if (!(qty >= 0 && qty <= 20)) return this.order(id, [`Quantity of ${l.name} must be between 0 and 20.`]);
      if (qty > 0) lines.push({ ...l, qty });
    }
    if (lines.length === 0) return this.order(id, ['An order needs at least one item.']);
    Object.assign(o, { address, lines, ...this.totals(lines, o.coupon) });
    return { redirect: `/orders/${o.id}` };
  }
}

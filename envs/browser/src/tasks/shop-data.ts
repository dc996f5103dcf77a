import { shipping, type Product, type ShopData, type ShopOrder } from '../sites/shop.js';
import { address, personName, type Rng } from './rng.js';

const CATALOGUE: Record<string, string[]> = {
  Lamps: ['Arc Floor Lamp', 'Brass Desk Lamp', 'Clip Reading Light', 'Globe Pendant', 'Paper Lantern', 'Tripod Lamp', 'LED Strip Light'],
  Kettles: ['Glass Kettle', 'Gooseneck Kettle', 'Steel Kettle', 'Travel Kettle', 'Whistling Kettle', 'Smart Kettle'],
  Backpacks: ['Canvas Backpack', 'Hiking Daypack', 'Laptop Backpack', 'Roll-top Pack', 'School Bag', 'Sling Pack'],
  Headphones: ['Studio Headphones', 'Sport Earbuds', 'Noise-cancelling Headphones', 'Kids Headphones', 'Bone Conduction Set'],
  Mugs: ['Enamel Mug', 'Travel Mug', 'Stoneware Mug', 'Glass Mug', 'Espresso Cup Set', 'Thermal Mug'],
};

/** Model lines that enlarge a category past its base list ("Compact Glass Kettle"). */
const VARIANTS = ['Compact', 'Deluxe', 'Classic', 'Nordic', 'Pro', 'Eco', 'Retro'];

/**
 * A seeded shop catalogue: every category, shuffled prices and ratings, no ties on price within
 * a category. `sizes` enlarges categories (up to 40 products) with variants of their base names;
 * without it the catalogue and its draws are the base ones.
 */
export function shopData(rng: Rng, sizes: Readonly<Record<string, number>> = {}): ShopData {
  const products: Product[] = [];
  let id = 101;
  for (const [category, base] of Object.entries(CATALOGUE)) {
    const names = [...base, ...VARIANTS.flatMap((v) => base.map((n) => `${v} ${n}`))].slice(0, Math.max(base.length, sizes[category] ?? 0));
    const prices = rng.sample(
      Array.from({ length: 60 }, (_, i) => 999 + i * 150),
      names.length,
    );
    for (const [i, name] of names.entries()) {
      products.push({ id: id++, name, category, price: prices[i]!, rating: rng.int(25, 50) / 10 });
    }
  }
  return { products: rng.shuffle(products).map((p, i) => ({ ...p, id: 101 + i })), coupons: {}, orders: [] };
}

export const CATEGORIES = Object.keys(CATALOGUE);

/**
 * `count` orders other customers placed before the episode (ids up to 999), every third one
 * shipped: what a task must leave as it found it.
 */
export function pastOrders(rng: Rng, products: readonly Product[], count: number): ShopOrder[] {
  return Array.from({ length: count }, (_, i) => {
    const lines = rng.sample([...products], rng.int(2, 3)).map((p) => ({ productId: p.id, name: p.name, qty: rng.int(1, 3), price: p.price }));
    const subtotal = lines.reduce((s, l) => s + l.qty * l.price, 0);
    return {
      id: 1000 - count + i,
      customer: personName(rng),
      address: address(rng),
      lines,
      coupon: '',
      subtotal,
      discount: 0,
      shipping: shipping(subtotal),
      total: subtotal + shipping(subtotal),
      status: i % 3 === 2 ? 'shipped' : 'pending',
    };
  });
}

import type { DeskCustomer, DeskData, DeskOrder, Ticket } from '../sites/helpdesk.js';
import { FIRST_NAMES, LAST_NAMES, type Rng } from './rng.js';

const ITEMS = [
  'Desk Lamp',
  'Water Bottle',
  'Yoga Mat',
  'Coffee Grinder',
  'Phone Case',
  'Wool Scarf',
  'Cutting Board',
  'Bluetooth Speaker',
  'Plant Pot',
  'Notebook Set',
  'Tea Sampler',
  'Bike Light',
];

export const TICKET_TEMPLATES: Record<Ticket['category'] & string, [string, string][]> = {
  billing: [
    ['Charged twice', 'I see two charges for the same purchase on my card statement. Please fix this.'],
    ['Invoice question', 'The amount on my invoice does not match what I paid at checkout.'],
  ],
  shipping: [
    ['Package not here yet', 'My parcel still has not arrived and the tracking page has not changed for days.'],
    ['Wrong delivery address', 'The courier tried to deliver to my old address. Can the delivery be redirected?'],
  ],
  product: [
    ['Item stopped working', 'The item I bought stopped working after a week of normal use.'],
    ['Missing parts', 'The box arrived without the parts listed in the manual.'],
  ],
  account: [
    ['Cannot log in', 'I reset my password twice but I still cannot log in to my account.'],
    ['Change my email', 'Please change the email address on my account to my new work address.'],
  ],
  '': [],
};

function tierOf(draw: number): DeskCustomer['tier'] {
  return draw < 0.5 ? 'standard' : draw < 0.8 ? 'premium' : 'enterprise';
}

function day(rng: Rng): string {
  return `2025-0${rng.int(3, 9)}-${String(rng.int(10, 28))}`;
}

/** A seeded help desk: customers, their orders, a queue of open tickets. */
export function deskData(rng: Rng, customers = 6): DeskData {
  const names = rng.sample(FIRST_NAMES, customers).map((f) => `${f} ${rng.pick(LAST_NAMES)}`);
  const cs: DeskCustomer[] = names.map((name, i) => ({
    id: 201 + i,
    name,
    email: `${name.toLowerCase().replace(' ', '.')}@example.com`,
    tier: tierOf(rng.next()),
  }));
  const orders: DeskOrder[] = [];
  for (const c of cs) orders.push(...customerOrders(rng, c.id, 5001 + orders.length, rng.int(2, 3)));
  const tickets: Ticket[] = cs.slice(0, 5).map((c, i) => {
    const category = rng.pick(['billing', 'shipping', 'product', 'account'] as const);
    const [subject, body] = rng.pick(TICKET_TEMPLATES[category]);
    return { id: 301 + i, customerId: c.id, subject, body, status: 'open', priority: '', category: '', replies: [] };
  });
  return { customers: cs, orders: rng.shuffle(orders), tickets, refunds: [] };
}

/** `count` orders of one customer, numbered from `firstId`. */
export function customerOrders(rng: Rng, customerId: number, firstId: number, count: number): DeskOrder[] {
  return Array.from({ length: count }, (_, k) => ({
    id: firstId + k,
    customerId,
    items: rng.sample(ITEMS, rng.int(1, 3)).map((name) => ({ name, price: rng.int(8, 90) * 100 + rng.pick([0, 50, 99]), qty: rng.int(1, 2) })),
    shipping: rng.pick([0, 499, 799]),
    status: rng.pick(['delivered', 'delivered', 'in transit', 'processing'] as const),
    tracking: `TRK${rng.chars(8, '0123456789')}`,
    deliveryDate: day(rng),
  }));
}

/**
 * A record the task changes holds what `start` (a copy taken at the start) held, apart from the
 * fields the task changes: the whole-state check (`no_collateral`) sees a record changed or not,
 * this sees which of its fields did.
 */
export function restKept<T extends object>(now: T, start: T, changed: readonly (keyof T)[]): boolean {
  const rest = (record: T) => JSON.stringify(Object.entries(record).filter(([k]) => !changed.includes(k as keyof T)));
  return rest(now) === rest(start);
}

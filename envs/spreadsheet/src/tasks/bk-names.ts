// Names the bookkeeping families draw their ledgers from: the companies a small business buys
// from and sells to, and money as whole cents (amounts are drawn and added in cents, so a sum
// never carries a binary fraction into the truth).

/** Customers and suppliers: draw with `rng.sample(COMPANIES, n)`. */
export const COMPANIES = [
  'Acme Tools Ltd',
  'Birchwood Foods',
  'Carlton & Reyes',
  'Delta Freight',
  'Evergreen Florists',
  'Foxglove Design',
  'Granite Office Supply',
  'Harbor Print Co',
  'Ironclad Security',
  'Juniper Catering',
  'Kestrel Software',
  'Lumen Electric',
  'Maple Lane Bakery',
  'Northwind Traders',
  'Orchid Dental',
  'Pinecrest Hotels',
  'Quarry Stone Works',
  'Redfern Legal',
  'Silverline Taxis',
  'Tidewater Marine',
];

/** Cents as the amount a cell holds (12345 → 123.45). */
export const money = (cents: number) => cents / 100;

/** An amount read from a cell as whole cents. */
export const cents = (amount: number) => Math.round(amount * 100);

// The contacts families' directory: people at companies with roles, emails and phones, in which
// the families plant namesakes (same name, other company) and duplicates (the same person twice).
import type { Contact, ContactsData } from '../sites/contacts.js';
import { FIRST_NAMES, LAST_NAMES, type Rng } from './rng.js';

const COMPANIES = ['Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Litware', 'Adatum', 'Tailspin', 'Proseware', 'Woodgrove', 'Lucerne', 'Wingtip'];
export const CONTACT_ROLES = [
  'Account Manager',
  'Sales Director',
  'Head of Partnerships',
  'Procurement Lead',
  'CTO',
  'Office Manager',
  'Finance Controller',
  'Product Manager',
  'Operations Lead',
  'Marketing Director',
];
const CITIES: [string, string][] = [
  ['London', '+44 20 7946'],
  ['Lisbon', '+351 21 340'],
  ['Berlin', '+49 30 9018'],
  ['Paris', '+33 1 8488'],
  ['Madrid', '+34 91 123'],
];
export const TODAY = '2026-03-02';

/** Another number in the same city's format. */
export function phoneLike(rng: Rng, phone: string): string {
  return `${phone.slice(0, phone.lastIndexOf(' '))} ${rng.chars(4, '0123456789')}`;
}

/** An entry for `name` at `company` (the address is first.last at the company's domain). */
export function contactAt(rng: Rng, name: string, company: string): Contact {
  const [city, prefix] = rng.pick(CITIES);
  return {
    id: 0,
    name,
    company,
    role: rng.pick(CONTACT_ROLES),
    email: `${name.toLowerCase().replace(' ', '.')}@${company.toLowerCase()}.example`,
    phone: `${prefix} ${rng.chars(4, '0123456789')}`,
    city,
    updated: `2025-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
  };
}

/** `size` people with names of their own (the families add the namesakes and duplicates). */
export function people(rng: Rng, size: number): Contact[] {
  return rng
    .sample(
      FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f} ${l}`)),
      size,
    )
    .map((name) => contactAt(rng, name, rng.pick(COMPANIES)));
}

/** Other companies than `taken`, for namesakes. */
export function otherCompanies(rng: Rng, taken: readonly string[], count: number): string[] {
  return rng.sample(
    COMPANIES.filter((c) => !taken.includes(c)),
    count,
  );
}

/** The directory of these entries, numbered in a shuffled order (so an entry's number says nothing). */
export function directory(rng: Rng, entries: readonly Contact[]): ContactsData {
  const contacts = rng.shuffle(entries);
  contacts.forEach((c, i) => (c.id = i + 1));
  return { contacts, today: TODAY };
}

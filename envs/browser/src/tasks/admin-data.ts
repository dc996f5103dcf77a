import { PLANS, ROLES, type User } from '../sites/admin.js';
import { FIRST_NAMES, LAST_NAMES, type Rng } from './rng.js';

const COUNTRIES = ['Portugal', 'Norway', 'Austria', 'France', 'Poland', 'Spain', 'Italy'];

/** A seeded user base large enough to need filters or paging (40 to 60 users unless `count` says). */
export function adminUsers(rng: Rng, count = rng.int(40, 60)): User[] {
  const users: User[] = [];
  const seen = new Set<string>();
  while (users.length < count) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const email = `${first}.${last}${rng.int(1, 99)}@corp.example`.toLowerCase();
    if (seen.has(email)) continue;
    seen.add(email);
    users.push({
      id: users.length + 1,
      name: `${first} ${last}`,
      email,
      role: rng.pick(ROLES),
      plan: rng.pick(PLANS),
      country: rng.pick(COUNTRIES),
      active: rng.next() < 0.8,
    });
  }
  return users;
}

import { AdminSite, PLANS } from '../sites/admin.js';
import { adminUsers } from './admin-data.js';
import { answer, fillForm, norm, type FamilyDef } from './task.js';

export const adminCountFilter: FamilyDef = {
  name: 'admin-count-filter',
  job: 'back-office',
  difficulty: 'medium',
  description: 'Count the users matching three conditions with the admin table filters and answer with the number.',
  generate(rng) {
    const users = adminUsers(rng);
    const plan = rng.pick(PLANS);
    const country = rng.pick(users).country;
    const count = users.filter((u) => u.plan === plan && u.country === country && u.active).length;
    const site = new AdminSite(users);
    return {
      instruction: `How many active users on the ${plan} plan are based in ${country}? Use the admin console and answer with the number only.`,
      sites: [site],
      startUrl: 'http://admin.test/users',
      answers: true,
      expert({ url, snapshot }) {
        const q = url.searchParams;
        if (url.pathname === '/users' && q.get('plan') === plan && q.get('country') === country && q.get('status') === 'active') return answer(String(count));
        return fillForm(
          snapshot,
          [
            { label: 'Plan', value: plan, kind: 'select' },
            { label: 'Country', value: country, kind: 'select' },
            { label: 'Status', value: 'active', kind: 'select' },
          ],
          'Apply filters',
        );
      },
      verify({ answer: given }) {
        const number = given === undefined ? undefined : norm(given).match(/-?\d+/)?.[0];
        const right = number !== undefined && Number(number) === count;
        return { success: right, components: { answer: right ? 1 : 0 }, gate: right, detail: `answer ${JSON.stringify(given ?? null)}; expected ${count}` };
      },
    };
  },
};

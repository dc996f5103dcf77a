import { AdminSite, PLANS } from '../sites/admin.js';
import { adminUsers } from './admin-data.js';
import { click, fillForm, findNode, navigate, submit, type ExpertView, type FamilyDef, type PlannedCall, verification } from './task.js';

export const adminEditRecord: FamilyDef = {
  name: 'admin-edit-record',
  job: 'back-office',
  difficulty: 'easy',
  description: "Find a user by email in an admin table and change their plan and role.",
  generate(rng) {
    const users = adminUsers(rng);
    const user = rng.pick(users);
    const plan = rng.pick(PLANS.filter((p) => p !== user.plan));
    const role = user.role === 'admin' ? 'editor' : 'admin';
    const before = JSON.stringify(users.filter((u) => u !== user));
    const original = { ...user };
    const site = new AdminSite(users);
    return {
      instruction: `In the admin console, change the user with the email ${user.email} to the ${plan} plan and the ${role} role. Leave everything else as it is, then submit.`,
      sites: [site],
      startUrl: 'http://admin.test/users',
      expert({ url, snapshot }) {
        if (user.plan === plan && user.role === role) return submit();
        if (url.pathname !== `/users/${user.id}/edit`) return openEditPage({ url, snapshot }, user);
        return fillForm(snapshot, [{ label: 'Plan', value: plan, kind: 'select' }, { label: 'Role', value: role, kind: 'select' }], 'Save user');
      },
      verify() {
        const components = {
          plan: user.plan === plan ? 1 : 0,
          role: user.role === role ? 1 : 0,
          rest_of_record: user.name === original.name && user.email === original.email && user.active === original.active ? 1 : 0,
          other_users_untouched: JSON.stringify(users.filter((u) => u !== user)) === before ? 1 : 0,
        };
        return verification(
          components,
          components.plan === 1 || components.role === 1,
          `${user.email}: plan ${user.plan}, role ${user.role}; expected ${plan}, ${role}`,
        );
      },
    };
  },
};

/**
 * Reaches a user's edit page as a person would: the row's Edit link when it is on the page, else
 * a search for the email first (the table shows one page of many). Typing the address is the
 * last resort (other filters hide the user); demonstrations then use actions a policy over
 * candidates can take.
 */
function openEditPage({ url, snapshot }: ExpertView, user: { id: number; email: string }): PlannedCall {
  const link = findNode(snapshot, 'link', `Edit ${user.email}`);
  if (link) return click(link);
  if (url.pathname === '/users' && url.searchParams.get('q') !== user.email) {
    return fillForm(snapshot, [{ label: 'Search name or email', value: user.email }], 'Apply filters');
  }
  return navigate(snapshot, `http://admin.test/users/${user.id}/edit`);
}

import { AdminSite, PLANS } from '../sites/admin.js';
import { adminUsers } from './admin-data.js';
import { onUserForm, openUser } from './admin-expert.js';
import { editRecords } from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

/** Edit whichever user the table lists first, with the asked plan and role. */
const GUESS = 'first-listed';

export const adminEditRecord: FamilyDef = {
  name: 'admin-edit-record',
  job: 'back-office',
  difficulty: 'easy',
  description: 'Find a user by email in an admin table and change their plan and role.',
  strategies: ['search', 'page-through'],
  nearMisses: ['edit-extra-user'],
  // The kit judges every user: the named one is the task's one change (expectsChange).
  collateral: true,
  // The plan before the role; the rest of the record only takes reward away.
  components: [
    { name: 'plan', kind: 'progress' },
    { name: 'role', kind: 'progress' },
    { name: 'rest_of_record', kind: 'guard' },
  ],
  // The task names one record by its email and the values to set: no condition to drop.
  conditions: [],
  guesses: [GUESS],
  generate(rng) {
    const users = adminUsers(rng);
    // Never the first row of the table: editing whichever user is listed first is never right.
    const user = rng.pick(users.slice(1));
    const plan = rng.pick(PLANS.filter((p) => p !== user.plan));
    const role = user.role === 'admin' ? 'editor' : 'admin';
    const original = { ...user };
    const site = new AdminSite(users);
    const extra = users.find((u) => u !== user && (u.plan !== plan || u.role !== role))!;
    return {
      instruction: `In the admin console, change the user with the email ${user.email} to the ${plan} plan and the ${role} role. Leave everything else as it is, then submit.`,
      sites: [site],
      startUrl: 'http://admin.test/users',
      expert(view) {
        // The near-miss also gives the same plan and role to another user; the guess edits the first one listed.
        const first = users[0]!;
        const todo = view.strategy === 'edit-extra-user' ? [user, extra] : view.strategy === `guess:${GUESS}` ? [first] : [user];
        return editRecords(
          view,
          todo,
          (u) => ({
            saved: u.plan === plan && u.role === role,
            onForm: onUserForm(view, u),
            fields: [
              { label: 'Plan', value: plan, kind: 'select', why: `The instruction asks for the ${plan} plan.` },
              { label: 'Role', value: role, kind: 'select', why: `The instruction asks for the ${role} role.` },
            ],
            button: 'Save user',
            why: `${u.email} is set to ${plan} and ${role}: save.`,
          }),
          (u) => openUser(view, u.email, view.strategy === 'page-through' ? 'page-through' : 'search'),
          `The table shows ${todo[0]!.email} on the ${plan} plan with the ${role} role: submit.`,
        );
      },
      expectsChange: (key) => key === `site:admin/users/${user.id}`,
      verify() {
        const components = {
          plan: user.plan === plan ? 1 : 0,
          role: user.role === role ? 1 : 0,
          rest_of_record: user.name === original.name && user.email === original.email && user.active === original.active ? 1 : 0,
        };
        return verification(components, `${user.email}: plan ${user.plan}, role ${user.role}; expected ${plan}, ${role}`);
      },
    };
  },
};

// Change a record through a site's edit form (find it, fill the fields, save, submit); the verifier reads the backend.
import { AdminSite } from '../../sites/admin.js';
import { adminUsers } from '../admin-data.js';
import { onUserForm, openUser } from '../admin-expert.js';
import { editRecords, type FormField } from '../expert-kit.js';
import { type FamilyDef, verification } from '../task.js';

// To make your own: change the description and instruction, the record and the values asked for,
// the form's fields and button, the near-miss, the guess, and the verifier's components. Another site: its
// app in src/sites/ and its way to a record in the site's *-expert.ts (openTicket, openOrder...).
export const templateFamily: FamilyDef = {
  name: 'template-form-filling',
  job: 'back-office',
  difficulty: 'easy',
  description: 'Offboard a user in the admin console: deactivate the account and move it to the free plan.',
  // Strategies: the ways to the form (the admin expert finds a user by search or page by page).
  strategies: ['search', 'page-through'],
  // Near-misses: plausible wrong edits the verifier must refuse (here: only half of the change).
  nearMisses: ['plan-only'],
  // The kit judges the whole site: the task declares what it changes (expectsChange, here the one
  // user), and any other change fails the kit's guard no_collateral.
  collateral: true,
  // Components in the order credit is given: progress for each asked-for change (a shortcut cannot
  // make them), guards for what holds when nothing was done (they only take reward away; here the
  // fields of the edited record not asked for, which the kit's snapshot cannot tell apart).
  components: [
    { name: 'plan', kind: 'progress' },
    { name: 'deactivated', kind: 'progress' },
    { name: 'rest_of_record', kind: 'guard' },
  ],
  // Conditions: none, the record is named by its email (a filter task lists its plan, country...).
  conditions: [],
  // Guesses: constant attempts the generator keeps rare (here: the first user listed, never the one asked).
  guesses: ['first-listed'],
  generate(rng) {
    // Everything comes from the seeded rng; the record starts where the task is not yet done.
    const users = adminUsers(rng);
    const user = rng.pick(users.slice(1));
    Object.assign(user, { active: true, plan: rng.pick(['pro', 'enterprise'] as const) });
    const original = { ...user };
    const site = new AdminSite(users);
    return {
      instruction: `In the admin console, offboard the user with the email ${user.email}: deactivate the account and move it to the free plan. Leave everything else as it is, then submit.`,
      sites: [site],
      startUrl: 'http://admin.test/users',
      expert(view) {
        const planOnly = view.strategy === 'plan-only';
        const record = view.strategy === 'guess:first-listed' ? users[0]! : user;
        const plan: FormField = { label: 'Plan', value: 'free', kind: 'select', why: 'The instruction asks for the free plan.' };
        const active: FormField = { label: 'Active', value: 'false', kind: 'check', why: 'The instruction asks to deactivate the account.' };
        // editRecords: open the record, fill each field that differs, press the button; submit once saved.
        return editRecords(
          view,
          [record],
          (u) => ({
            saved: u.plan === 'free' && (planOnly || !u.active),
            onForm: onUserForm(view, u),
            fields: planOnly ? [plan] : [plan, active],
            button: 'Save user',
            why: `${u.email} is set to the free plan${planOnly ? '' : ' and inactive'}: save.`,
          }),
          (u) => openUser(view, u.email, view.strategy === 'page-through' ? 'page-through' : 'search'),
          `The table shows ${record.email} on the free plan${planOnly ? '' : ', inactive'}: submit.`,
        );
      },
      // The changes the task asks for, as the session's state keys: from the generated task, never the end state.
      expectsChange: (key) => key === `site:admin/users/${user.id}`,
      // Judge the backend against the generated truth: each asked-for change, and the rest of the record kept.
      verify() {
        const components = {
          plan: user.plan === 'free' ? 1 : 0,
          deactivated: user.active ? 0 : 1,
          rest_of_record: user.name === original.name && user.email === original.email && user.role === original.role ? 1 : 0,
        };
        return verification(components, `${user.email}: plan ${user.plan}, ${user.active ? 'active' : 'inactive'}; expected free, inactive`);
      },
    };
  },
};

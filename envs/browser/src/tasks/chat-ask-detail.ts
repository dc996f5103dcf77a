import type { ExpertStep, Person } from '@workgym/protocol/kit';
import { AdminSite, PLANS, type User } from '../sites/admin.js';
import { CHAT, ChatSite, type ChatData, type Colleague } from '../sites/chat.js';
import { adminUsers } from './admin-data.js';
import { onUserForm, openUser } from './admin-expert.js';
import { act, editRecords, fillForm, findNode, goto, type ExpertView } from './expert-kit.js';
import { FIRST_NAMES, LAST_NAMES, type Rng } from './rng.js';
import { type FamilyDef, verification } from './task.js';

const CHAT_URL = 'http://chat.test/';
const ADMIN_URL = 'http://admin.test/users';
/** Roles of the colleagues who know nothing of the task (one more account manager among them). */
const OTHER_ROLES = ['account manager', 'on-call engineer', 'support lead', 'designer', 'finance analyst', 'sales manager'];
/** The strategies that set a plan without asking, as if the usual upgrade were the agreed one. */
const UNASKED = ['guess-upgrade', 'relax:plan', 'guess:first-listed'];

/** The plan an agent assumes without asking: the next one up (the usual change), enterprise's being pro. */
export function upgradeOf(plan: User['plan']): User['plan'] {
  return plan === 'free' ? 'pro' : 'enterprise';
}

/** Six or seven colleagues with distinct handles; the first is the task's account manager. */
function colleagues(rng: Rng): Colleague[] {
  const out: Colleague[] = [];
  const roles = ['account manager', ...rng.shuffle(OTHER_ROLES)].slice(0, rng.int(6, 7));
  while (out.length < roles.length) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const id = `${first}.${last}`.toLowerCase();
    if (out.some((c) => c.id === id || c.name.startsWith(`${first} `))) continue;
    out.push({ id, name: `${first} ${last}`, role: roles[out.length]! });
  }
  return out;
}

/** The chat's channels: small talk, and on #team the account managers' notes (the asked customer's without the plan, another customer's with one). */
function channels(rng: Rng, team: Colleague[], manager: Colleague, customer: User, other: User): ChatData['channels'] {
  const [a, b, c] = rng.shuffle(team.filter((x) => x !== manager));
  const peer = team.find((x) => x !== manager && x.role === 'account manager') ?? a!;
  const general = [
    { from: a!.name, text: 'Reminder: the office is closed on Friday afternoon for the move.' },
    { from: b!.name, text: 'Cake in the kitchen, help yourselves.' },
    { from: c!.name, text: 'The all-hands slides are in the shared drive.' },
  ];
  const team2 = [
    { from: manager.name, text: `Call with ${customer.name} (${customer.email}) today about their plan. I will confirm what they agreed on when asked.` },
    { from: peer.name, text: `${other.email} moved to the ${other.plan} plan yesterday, already done in the admin console.` },
    { from: b!.name, text: 'Please keep plan changes in the admin console, not in spreadsheets.' },
  ];
  return [
    { id: 'general', topic: 'Company-wide announcements and chatter', messages: rng.shuffle(general) },
    { id: 'team', topic: 'Customer accounts team', messages: rng.shuffle(team2) },
  ];
}

export const chatAskDetail: FamilyDef = {
  name: 'chat-ask-detail',
  job: 'back-office',
  difficulty: 'medium',
  description:
    "Change a customer's plan in the admin console to the one they agreed on with their account manager, which only the account manager says, in a direct message on the team chat.",
  strategies: ['search', 'page-through'],
  // guess-upgrade: sets the next plan up without asking, as an agent does that takes "changing
  // plan" for the usual upgrade; the agreed plan is never that one.
  nearMisses: ['guess-upgrade'],
  features: ['people'],
  people: (task) => task.people ?? [],
  // The kit judges both sites whole: the customer's user record and the conversation with the
  // account manager (the agent's question and their answer) are the task's changes.
  collateral: true,
  components: [
    { name: 'plan', kind: 'progress' },
    { name: 'rest_of_record', kind: 'guard' },
  ],
  // The agreed plan only the account manager gives: dropped, the task is played with the upgrade.
  conditions: ['plan'],
  guesses: ['first-listed'],
  generate(rng) {
    const users = adminUsers(rng);
    const user = rng.pick(users.slice(1));
    user.plan = rng.pick(['free', 'pro'] as const);
    const upgrade = upgradeOf(user.plan);
    const agreed = PLANS.find((p) => p !== user.plan && p !== upgrade)!;
    const other = rng.pick(users.filter((u) => u !== user));
    const team = rng.shuffle(colleagues(rng));
    const manager = team.find((c) => c.role === 'account manager')!;
    manager.person = manager.id;
    const first = manager.name.split(' ')[0]!;
    // A third of the seeds: the account manager first names the upgrade, then corrects it.
    const slip = rng.int(0, 2) === 0;
    const person: Person = {
      id: manager.id,
      name: manager.name,
      role: 'account manager',
      tone: rng.pick(['formal', 'casual'] as const),
      channel: CHAT,
      facts: [
        {
          id: 'plan',
          about: `which plan ${user.email} agreed on`,
          asks: ['which|what & plan*', 'plan* & agree*|chose|choose|picked|want*|sign*'],
          paraphrases: [
            `Which plan did ${user.email} agree on?`,
            `What plan should ${user.email} be on now?`,
            `Could you tell me the plan ${user.email} picked?`,
          ],
          answer: `${user.name} agreed on the ${agreed} plan.`,
          value: agreed,
          ...(slip ? { slip: `They are going to the ${upgrade} plan.` } : {}),
        },
      ],
    };
    const data: ChatData = {
      colleagues: team,
      channels: channels(rng, team, manager, user, other),
      conversations: team.map((c) => ({ id: c.id, name: c.name, messages: [] })),
    };
    const chat = new ChatSite(data);
    const admin = new AdminSite(users);
    const original = { ...user };

    /** The question to the account manager in their conversation, reached from the chat's people list. */
    const ask = (view: ExpertView): ExpertStep => {
      if (view.url.host !== 'chat.test')
        return act(goto(CHAT_URL), `Only ${first} knows the agreed plan: open the team chat, whose address the instruction gives.`);
      if (view.url.pathname !== `/dm/${manager.id}`) {
        const link = findNode(view.snapshot, 'link', `Message ${manager.name}`);
        return link
          ? act({ name: 'click', arguments: { id: link.id } }, `Open the conversation with ${manager.name}.`)
          : act(goto(CHAT_URL), 'Back to the chat home, which lists the people.');
      }
      const question = view.people!.question(manager.id, 'plan');
      return fillForm(
        view.snapshot,
        [
          {
            label: 'Message',
            value: question,
            why: `${first} knows which plan ${user.email} agreed on: ask.`,
            derived: { value: question, sources: [manager.name, user.email], how: `a question asking ${manager.name} for the plan ${user.email} agreed on` },
          },
        ],
        'Send',
        `Send the question to ${manager.name}; the answer comes back in the conversation.`,
      );
    };

    return {
      instruction: `The customer ${user.email} is changing plan after a call with their account manager, ${manager.name} (${manager.id}, account manager), who knows which plan they agreed on. Ask ${first} in a direct message on the team chat at ${CHAT_URL} (the answer appears in your conversation with them), then set that user's plan in the admin console at ${ADMIN_URL} to it. Leave everything else as it is, then submit.`,
      sites: [chat, admin],
      startUrl: CHAT_URL,
      people: [person],
      expert(view) {
        const unasked = UNASKED.includes(view.strategy);
        if (!unasked && !view.people?.wasAsked(manager.id, 'plan')) return ask(view);
        const heard = unasked ? undefined : view.people?.heard(manager.id, 'plan');
        const plan = (heard as User['plan'] | undefined) ?? upgrade;
        const why =
          heard !== undefined
            ? `${first} said on the chat that ${user.email} agreed on the ${heard} plan`
            : `${unasked ? 'Without asking' : `${first} gave no answer`}, take the usual change, the plan above ${original.plan}: ${upgrade}`;
        if (view.url.host !== 'admin.test') return act(goto(ADMIN_URL), `${why}; the admin console's address is in the instruction.`);
        const todo = view.strategy === 'guess:first-listed' ? users[0]! : user;
        return editRecords(
          view,
          [todo],
          (u) => ({
            saved: u.plan === plan,
            onForm: onUserForm(view, u),
            fields: [{ label: 'Plan', value: plan, kind: 'select', why: `${why}.` }],
            button: 'Save user',
            why: `${u.email} is set to ${plan}: save.`,
          }),
          (u) => openUser(view, u.email, view.strategy === 'page-through' ? 'page-through' : 'search'),
          `The table shows ${todo.email} on the ${plan} plan: submit.`,
        );
      },
      // The customer's record and the conversation with the account manager (question and answer).
      expectsChange: (key) => key === `site:admin/users/${user.id}` || key === `site:chat/conversations/${manager.id}`,
      verify() {
        const components = {
          plan: user.plan === agreed ? 1 : 0,
          rest_of_record:
            user.name === original.name && user.email === original.email && user.role === original.role && user.active === original.active ? 1 : 0,
        };
        return verification(components, `${user.email}: plan ${user.plan}; expected ${agreed} (the upgrade would be ${upgrade})`);
      },
    };
  },
};

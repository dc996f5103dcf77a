import { AdminSite, PLANS, type User } from '../sites/admin.js';
import { adminUsers } from './admin-data.js';
import { applied, filters, pageOf } from './admin-expert.js';
import type { Snapshot } from '../browser/ax-snapshot.js';
import { drawUntil, type ExpertStep } from '@workgym/protocol/kit';
import { act, answer, click, fillForm, leave, mustFind, tableRows, type ExpertView } from './expert-kit.js';
import type { Rng } from './rng.js';
import { answerVerification, norm, type FamilyDef } from './task.js';

const CONDITIONS = ['plan', 'country', 'status'] as const;
type Condition = (typeof CONDITIONS)[number];
type Filter = Partial<Record<Condition, string>>;
/** Constant answers a policy could give without reading the table. */
const GUESSES = ['answer-2', 'answer-3'] as const;

export const adminCountFilter: FamilyDef = {
  name: 'admin-count-filter',
  job: 'back-office',
  difficulty: 'medium',
  // back-office's unseen family: the admin site is trained on through admin-edit-record.
  heldOut: true,
  description: 'Count the users matching three conditions with the admin table filters and answer with the number.',
  strategies: ['filters', 'count-rows'],
  nearMisses: ['ignore-status', 'hedged-answer'],
  // The kit judges every user: a question changes nothing (no expectsChange).
  collateral: true,
  components: [{ name: 'answer', kind: 'progress' }],
  conditions: CONDITIONS,
  guesses: GUESSES,
  generate(rng) {
    // Dropping any one condition changes the count, on every seed.
    const { users, plan, country, count } = drawUntil(rng, drawUsers, (t) =>
      CONDITIONS.every((c) => countOf(t.users, without({ plan: t.plan, country: t.country, status: 'active' }, c)) !== t.count),
    );
    const site = new AdminSite(users);

    /** Filters the table by the conditions not dropped (and no status when the rows are counted by reading). */
    const filterStep = (view: ExpertView, wanted: Filter): ExpertStep | undefined => {
      if (applied(view, wanted)) return undefined;
      if (view.snapshot.title !== 'Users') return leave(view, 'Users', 'The users table has the filters');
      const why = `Filter by ${Object.values(wanted).join(', ')}, as the question asks.`;
      return fillForm(view.snapshot, filters(wanted, why), 'Apply filters', `The filters are set: apply them.`);
    };

    /** The count of active rows over every page of the plan-and-country table, once all were shown. */
    const countRows = (view: ExpertView): ExpertStep => {
      const step = filterStep(view, { plan, country });
      if (step) return step;
      const pages = new Map<number, Snapshot>();
      for (const p of view.seen) if (applied(p, { plan, country })) pages.set(pageOf(p.snapshot)[0], p.snapshot);
      const [at, total] = pageOf(view.snapshot);
      if (pages.size < total) {
        const forward = Array.from({ length: total - at }, (_, i) => at + 1 + i).some((n) => !pages.has(n));
        return act(
          click(mustFind(view.snapshot, 'link', forward ? 'Next page' : 'Previous page')),
          `Page ${at} of ${total}: the other pages list more matching users.`,
        );
      }
      const active = [...pages.values()].flatMap((s) => tableRows(s)).filter((r) => r.cells[5] === 'active');
      const emails = active.map((r) => r.cells[1]!);
      return act(
        answer(String(active.length)),
        `The users on the ${plan} plan in ${country} whose status is active: ${emails.join(', ')}; that makes ${active.length}.`,
        [{ value: String(active.length), sources: emails, how: 'rows whose Status is active' }],
      );
    };

    /** The count the table shows with `wanted` applied, as the answer (hedged by the near-miss). */
    const answerShown = (view: ExpertView, wanted: Filter): ExpertStep => {
      const step = filterStep(view, wanted);
      if (step) return step;
      const matches = view.snapshot.nodes.find((n) => n.role === 'StaticText' && / users match$/.test(n.name))!.name;
      const n = matches.split(' ')[0]!;
      if (view.strategy === 'hedged-answer')
        return act(answer(`${n} (${countOf(users, { plan, country })} counting inactive users)`), 'Hedge with the count of every status too.');
      return act(answer(n), `With the ${Object.values(wanted).join(', ')} filters the table says "${matches}".`, [
        { value: n, sources: [matches], how: 'the count the filtered table shows' },
      ]);
    };

    return {
      instruction: `How many active users on the ${plan} plan are based in ${country}? Use the admin console and answer with the number only.`,
      sites: [site],
      startUrl: 'http://admin.test/users',
      answers: true,
      expert(view) {
        const all: Filter = { plan, country, status: 'active' };
        if (view.strategy === 'count-rows') return countRows(view);
        if (view.strategy === 'ignore-status') return answerShown(view, without(all, 'status'));
        const guess = /^guess:answer-(\d+)$/.exec(view.strategy);
        if (guess) return act(answer(guess[1]!), `Answer ${guess[1]} without reading the table.`);
        const relaxed = /^relax:(.+)$/.exec(view.strategy)?.[1] as Condition | undefined;
        return answerShown(view, relaxed ? without(all, relaxed) : all);
      },
      verify({ answer: given }) {
        // Exactly one number, the right one: hedging with several numbers does not count.
        const numbers = given === undefined ? [] : (norm(given).match(/-?\d+/g) ?? []);
        const right = numbers.length === 1 && Number(numbers[0]) === count;
        return answerVerification(given, String(count), right);
      },
    };
  },
};

/**
 * A user base where exactly `count` users are active on `plan` in `country`, `count` spread over
 * 3..45 so that no constant answer is often right, with an inactive one among plan and country.
 */
function drawUsers(rng: Rng): { users: User[]; plan: User['plan']; country: string; count: number } {
  const count = rng.int(3, 45);
  const users = adminUsers(rng, rng.int(40, 60) + count);
  const plan = rng.pick(PLANS);
  const country = rng.pick(users).country;
  const all = { plan, country, status: 'active' };
  const matching = users.filter((u) => matches(u, all));
  for (const u of matching.slice(count)) u.active = false;
  const others = rng.shuffle(users.filter((u) => !matches(u, { plan, country })));
  for (const u of others.slice(0, Math.max(0, count - matching.length))) Object.assign(u, { plan, country, active: true });
  if (!users.some((u) => matches(u, { plan, country, status: 'inactive' }))) Object.assign(others.at(-1)!, { plan, country, active: false });
  return { users, plan, country, count };
}

function matches(u: User, f: Filter): boolean {
  return (!f.plan || u.plan === f.plan) && (!f.country || u.country === f.country) && (!f.status || (f.status === 'active') === u.active);
}

function countOf(users: readonly User[], f: Filter): number {
  return users.filter((u) => matches(u, f)).length;
}

function without(f: Filter, c: Condition): Filter {
  return Object.fromEntries(Object.entries(f).filter(([k]) => k !== c));
}

import { AdminSite, PLANS } from '../sites/admin.js';
import { adminUsers } from './admin-data.js';
import { applied, filters, pageOf } from './admin-expert.js';
import type { Snapshot } from '../browser/ax-snapshot.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, answer, click, fillForm, leave, mustFind, tableRows, type ExpertView } from './expert-kit.js';
import { answerVerification, norm, type FamilyDef } from './task.js';

export const adminCountFilter: FamilyDef = {
  name: 'admin-count-filter',
  job: 'back-office',
  difficulty: 'medium',
  description: 'Count the users matching three conditions with the admin table filters and answer with the number.',
  strategies: ['filters', 'count-rows'],
  nearMisses: ['ignore-status', 'hedged-answer'],
  generate(rng) {
    const users = adminUsers(rng);
    const plan = rng.pick(PLANS);
    const country = rng.pick(users).country;
    // Never zero, and dropping the status condition always changes the answer.
    const matching = users.filter((u) => u.plan === plan && u.country === country);
    for (const u of [...users].reverse()) {
      if (matching.length >= 2) break;
      if (matching.includes(u)) continue;
      Object.assign(u, { plan, country });
      matching.push(u);
    }
    matching[0]!.active = true;
    if (matching.every((u) => u.active)) matching.at(-1)!.active = false;
    const count = matching.filter((u) => u.active).length;
    const site = new AdminSite(users);

    /** Filters the table by plan and country (and status, unless the rows are counted by reading). */
    const filterStep = (view: ExpertView, status: string | undefined): ExpertStep | undefined => {
      const wanted = { plan, country, ...(status ? { status } : {}) };
      if (applied(view, wanted)) return undefined;
      if (view.snapshot.title !== 'Users') return leave(view, 'Users', 'The users table has the filters');
      const why = `Filter by the ${plan} plan and ${country}${status ? ' and active status' : ''}, as the question asks.`;
      return fillForm(view.snapshot, filters(wanted, why), 'Apply filters', `The filters are set: apply them.`);
    };

    /** The count of active rows over every page of the plan-and-country table, once all were shown. */
    const countRows = (view: ExpertView): ExpertStep => {
      const step = filterStep(view, undefined);
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

    return {
      instruction: `How many active users on the ${plan} plan are based in ${country}? Use the admin console and answer with the number only.`,
      sites: [site],
      startUrl: 'http://admin.test/users',
      answers: true,
      expert(view) {
        if (view.strategy === 'count-rows') return countRows(view);
        const status = view.strategy === 'ignore-status' ? undefined : 'active';
        const step = filterStep(view, status);
        if (step) return step;
        const matches = view.snapshot.nodes.find((n) => n.role === 'StaticText' && / users match$/.test(n.name))!.name;
        const n = matches.split(' ')[0]!;
        if (view.strategy === 'hedged-answer')
          return act(answer(`${n} (${matching.length} counting inactive users)`), 'Hedge with the count of every status too.');
        const conditions = status ? `${plan}, ${country} and active` : `${plan} and ${country}`;
        return act(answer(n), `With the ${conditions} filters the table says "${matches}".`, [
          { value: n, sources: [matches], how: 'the count the filtered table shows' },
        ]);
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

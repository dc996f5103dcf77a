import { act, AdminSite, adminUsers, applied, fillForm, filters, findNode, leave, submit, type User } from '@workgym/env-browser/apps';
import { call, get } from '@workgym/env-spreadsheet/apps';
import type { Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { readTable, writeBlock } from './steps.js';
import { verdict, type FamilyDef, type WorkdayView } from './task.js';

const SHEET = 'Report';
const CONDITIONS = ['plan', 'country', 'status'] as const;
type Condition = (typeof CONDITIONS)[number];
type Filter = Partial<Record<Condition, string>>;
/** Figures the report asks for and users in the console, by tier. */
const SIZE: Record<Difficulty, { figures: number; users: number }> = {
  easy: { figures: 2, users: 50 },
  medium: { figures: 3, users: 80 },
  hard: { figures: 4, users: 110 },
};

const matches = (u: User, f: Filter) =>
  (f.plan === undefined || u.plan === f.plan) &&
  (f.country === undefined || u.country === f.country) &&
  (f.status === undefined || (f.status === 'active') === u.active);
const countOf = (users: readonly User[], f: Filter) => users.filter((u) => matches(u, f)).length;
const without = (f: Filter, c: Condition): Filter => Object.fromEntries(Object.entries(f).filter(([k]) => k !== c));
const label = (f: Required<Filter>) => `${f.status === 'active' ? 'Active' : 'Inactive'} ${f.plan} users in ${f.country}`;

export const adminFiguresReport: FamilyDef = {
  name: 'admin-figures-report',
  job: 'back-office',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description: "Fill a report workbook's figures (users by status, plan and country, one per line) with the counts the admin console's filters give.",
  strategies: ['all-then-write', 'cell-by-cell'],
  nearMisses: ['first-figure-everywhere'],
  // The kit judges both apps whole: the Count column is the task's one change (sheetChanges); any
  // other cell, or any user, changed fails its no_collateral.
  collateral: true,
  components: [{ name: 'counts', kind: 'progress' }],
  conditions: CONDITIONS,
  guesses: ['zeros', 'all-twos'],
  generate(rng, _task, tier) {
    const size = SIZE[tier];
    const users = adminUsers(rng, size.users);
    // Distinct counts (no constant and no copied figure is right), each condition changing some
    // figure when dropped, and the combination on the report of someone in the console.
    const figures = drawUntil(
      rng,
      (r) => drawFigures(r, users, size.figures),
      (fs) => {
        const counts = fs.map((f) => countOf(users, f));
        return (
          new Set(counts).size === counts.length &&
          !counts.includes(2) &&
          CONDITIONS.every((c) => fs.some((f, i) => countOf(users, without(f, c)) !== counts[i]))
        );
      },
    );
    const site = new AdminSite(users);
    const last = figures.length + 1;
    const labels = figures.map(label);

    /** The filters a strategy applies for a figure: all three, or one dropped. */
    const filterFor = (f: Required<Filter>, strategy: string): Filter => {
      const dropped = CONDITIONS.find((c) => strategy === `relax:${c}`);
      return dropped ? without(f, dropped) : f;
    };
    /** The "N users match" the episode showed for these filters, if it did. */
    const shownCount = (view: WorkdayView, f: Filter): number | undefined => {
      const page = [...view.page.seen].reverse().find((p) => applied(p, f));
      const text = page?.snapshot.nodes.find((n) => n.role === 'StaticText' && /^\d+ users match$/.test(n.name))?.name;
      return text === undefined ? undefined : Number(text.split(' ')[0]);
    };
    const filterStep = (view: WorkdayView, f: Filter, line: string): ExpertStep => {
      // A page without the filter form (another page, or one shown before it finished loading): the menu's Users page has it.
      if (view.page.snapshot.title !== 'Users' || !findNode(view.page.snapshot, ['textbox', 'searchbox'], 'Search name or email')) {
        return leave(view.page, 'Users', 'The users table has the filters');
      }
      const why = `The report asks for "${line}": filter the users by it.`;
      return fillForm(view.page.snapshot, filters(f, why), 'Apply filters', `The filters for "${line}" are set: apply them.`);
    };

    return {
      instruction: `Fill column B of the ${SHEET} sheet: each line names a group of users; enter how many users the admin console (http://admin.test/) has in it, as a number. Then submit.`,
      sites: [site],
      startUrl: 'http://admin.test/users',
      sheets: [{ name: SHEET, rows: [['Figure', 'Count'], ...labels.map((l) => [l])] }],
      focus: SHEET,
      sheetChanges: [`${SHEET}!B2:B${last}`],
      distractors: [call('read_range', { range: `${SHEET}!A1:B1` }), call('list_sheets')],
      expert(view) {
        const read = readTable(view, SHEET, `A1:B${last}`, 'Read the report to see which figures it asks for.');
        if (read) return read;
        const wb = view.sheet.wb;
        const constant: Record<string, number> = { 'guess:zeros': 0, 'guess:all-twos': 2 };
        if (view.strategy in constant) {
          const values = figures.map(() => [constant[view.strategy]!]);
          if (figures.every((_, i) => get(wb, `${SHEET}!B${i + 2}`) === values[i]![0])) return act(submit(), 'Every line has a number: submit.');
          return writeBlock(
            SHEET,
            { corner: 'B2', from: ['column B'] },
            values,
            labels,
            'a typical count',
            'Put a typical count on every line without looking the users up.',
          );
        }
        const counts: number[] = [];
        for (const [i, f] of figures.entries()) {
          const wanted = filterFor(f, view.strategy);
          const n = shownCount(view, wanted);
          // Cell by cell: each count goes into the report as soon as the console shows it.
          if (n !== undefined && view.strategy === 'cell-by-cell' && get(wb, `${SHEET}!B${i + 2}`) !== n) {
            return writeBlock(
              SHEET,
              { corner: `B${i + 2}`, from: ['column B', labels[i]!] },
              [[n]],
              [`${n} users match`, labels[i]!],
              'the count the filtered table shows',
              `The console shows ${n} users for "${labels[i]}": enter it.`,
            );
          }
          if (n === undefined) return filterStep(view, wanted, labels[i]!);
          counts.push(n);
        }
        const values = view.strategy === 'first-figure-everywhere' ? counts.map(() => [counts[0]!]) : counts.map((n) => [n]);
        if (values.every((v, i) => get(wb, `${SHEET}!B${i + 2}`) === v[0])) return act(submit(), 'Every figure of the report is filled in: submit.');
        return writeBlock(
          SHEET,
          { corner: 'B2', from: ['column B'] },
          values,
          counts.map((n) => `${n} users match`),
          'the counts the filtered tables showed',
          `The console showed ${counts.map((n, i) => `${n} for "${labels[i]}"`).join(', ')}: enter them.`,
        );
      },
      verify({ wb }) {
        const wrong = figures.flatMap((f, i) => {
          const v = get(wb, `${SHEET}!B${i + 2}`);
          return v === countOf(users, f) ? [] : [`"${labels[i]}" ${JSON.stringify(v)} (expected ${countOf(users, f)})`];
        });
        return verdict({ counts: wrong.length === 0 ? 1 : 0 }, wrong.length === 0 ? 'every count right' : `wrong: ${wrong.join(', ')}`);
      },
    };
  },
};

/** `count` distinct groups, each that of a user of the console (so none is empty). */
function drawFigures(rng: Rng, users: readonly User[], count: number): Required<Filter>[] {
  const out: Required<Filter>[] = [];
  while (out.length < count) {
    const u = rng.pick(users);
    const f = { plan: u.plan, country: u.country, status: u.active ? 'active' : 'inactive' };
    if (!out.some((o) => label(o) === label(f))) out.push(f);
  }
  return out;
}

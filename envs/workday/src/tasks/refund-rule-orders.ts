import { act, deskData, HelpDeskSite, onTicket, openTicket, seenTitled, submit } from '@workgym/env-browser/apps';
import { call, get, num, round2, rowLine } from '@workgym/env-spreadsheet/apps';
import type { Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { readTable, writeBlock } from './steps.js';
import { verdict, type FamilyDef, type WorkdayView } from './task.js';

const SHEET = 'Returns';
const CATEGORIES = ['Electronics', 'Clothing', 'Clearance', 'Home', 'Toys', 'Books', 'Perishables', 'Gift cards'];
const ITEMS: Record<string, string[]> = {
  Electronics: ['Headphones', 'Charger', 'Webcam'],
  Clothing: ['Rain jacket', 'Wool socks', 'Denim shirt'],
  Clearance: ['Lamp (outlet)', 'Mug set (outlet)', 'Tote (outlet)'],
  Home: ['Bath towel', 'Cushion', 'Vase'],
  Toys: ['Puzzle', 'Kite', 'Board game'],
  Books: ['Cookbook', 'Atlas', 'Novel'],
  Perishables: ['Coffee beans', 'Tea tin', 'Olive oil'],
  'Gift cards': ['Gift card 25', 'Gift card 50', 'Gift card 100'],
};
/** Returns in the workbook and look-alike rules in the desk, by tier. */
const SIZE: Record<Difficulty, { rows: number; others: number }> = {
  easy: { rows: 8, others: 1 },
  medium: { rows: 15, others: 2 },
  hard: { rows: 30, others: 3 },
};
const MONTHS = ['May', 'April', 'March'];

/** A refund rule as the Returns Team posts it. */
interface Rule {
  window: number;
  fee: number;
  category: string;
}

interface ReturnRow {
  order: string;
  item: string;
  category: string;
  days: number;
  price: number;
}

/** What a rule refunds for a row; `strictWindow` is the near-miss that reads "within N days" as fewer than N. */
function refund(rule: Partial<Rule>, row: ReturnRow, strictWindow = false): number {
  const late = rule.window !== undefined && (strictWindow ? row.days >= rule.window : row.days > rule.window);
  if (late || row.category === rule.category) return 0;
  return round2(row.price * (1 - (rule.fee ?? 0) / 100));
}

const CONDITIONS = ['month', 'window', 'fee', 'category'] as const;

export const refundRuleOrders: FamilyDef = {
  name: 'refund-rule-orders',
  job: 'customer-support',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    "Correct the refund column of the returns workbook by this month's refund rule, which the returns team posted in the support desk (window days, restocking fee, a category not refunded).",
  strategies: ['values', 'formulas'],
  nearMisses: ['strict-window'],
  // The kit judges both apps whole: the Refund column is the task's one change (sheetChanges);
  // any other cell, or anything in the desk, changed fails its no_collateral.
  collateral: true,
  components: [{ name: 'refunds', kind: 'progress' }],
  conditions: CONDITIONS,
  guesses: ['zero-all', 'fee-15-all'],
  generate(rng, _task, tier) {
    const size = SIZE[tier];
    const { rule, others, rows } = drawUntil(
      rng,
      (r) => drawReturns(r, size.rows, size.others),
      (t) => {
        const right = t.rows.map((row) => refund(t.rule, row));
        const differs = (rule: Partial<Rule>, strict = false) => t.rows.some((row, i) => refund(rule, row, strict) !== right[i]);
        const { window, fee, category } = t.rule;
        // Every condition matters, the near-miss and the constant guesses fail, on every seed.
        return (
          differs(t.others[0]!) &&
          differs({ fee, category }) &&
          differs({ window, category }) &&
          differs({ window, fee }) &&
          differs(t.rule, true) &&
          right.some((x) => x > 0) &&
          right.some((x, i) => x !== round2(t.rows[i]!.price * 0.85))
        );
      },
    );
    const data = deskData(rng);
    const team = { id: 290, name: 'Returns Team', email: 'returns@company.example', tier: 'enterprise' as const };
    data.customers.push(team);
    const posts = [{ month: 'June', rule }, ...others.map((r, i) => ({ month: MONTHS[i]!, rule: r }))];
    const ruleTickets = rng.shuffle(posts).map((p, i) => ({
      id: 310 + i,
      customerId: team.id,
      subject: `Refund rule for ${p.month} returns`,
      body: ruleText(p.month, p.rule),
      status: 'open' as const,
      priority: '' as const,
      category: '' as const,
      replies: [],
    }));
    data.tickets = rng.shuffle([...data.tickets, ...ruleTickets]);
    const june = ruleTickets.find((t) => t.subject === 'Refund rule for June returns')!;
    const desk = new HelpDeskSite(data);
    const last = rows.length + 1;
    const lines = (view: WorkdayView) => rows.map((_, i) => rowLine(view.sheet.wb, SHEET, i + 2, 6));

    /** The rule a strategy applies: June's, or June's with a condition dropped, or another month's. */
    const ruleFor = (strategy: string): Partial<Rule> => {
      const { window, fee, category } = rule;
      const ways: Record<string, Partial<Rule>> = {
        'relax:month': others[0]!,
        'relax:window': { fee, category },
        'relax:fee': { window, category },
        'relax:category': { window, fee },
      };
      return ways[strategy] ?? rule;
    };
    const ticketFor = (strategy: string) => (strategy === 'relax:month' ? ruleTickets.find((t) => t.body === ruleText(MONTHS[0]!, others[0]!))! : june);

    const lookUp = (view: WorkdayView): ExpertStep | undefined => {
      const read = () => readTable(view, SHEET, `A1:F${last}`, `The ${SHEET} sheet has ${rows.length} returns, more than its first view shows: read them all.`);
      const wanted = ticketFor(view.strategy);
      const openRule = () =>
        view.strategy.startsWith('guess:') || seenTitled(view.page, `Ticket #${wanted.id}: ${wanted.subject}`).length > 0
          ? undefined
          : onTicket(view.page, wanted.id)
            ? undefined
            : openTicket(view.page, wanted.id, true);
      return view.strategy === 'formulas' ? (read() ?? openRule()) : (openRule() ?? read());
    };

    return {
      instruction:
        `The Returns Team posts each month's refund rule as a ticket in the support desk (http://desk.test/). ` +
        `Correct the Refund column (F) of the ${SHEET} sheet by the rule for June returns: each row's refund is what that rule pays for it (0 where it pays nothing), in dollars and cents. Then submit.`,
      sites: [desk],
      startUrl: 'http://desk.test/',
      sheets: [
        {
          name: SHEET,
          // The clerk entered every refund in full; the rule says what each really is.
          rows: [
            ['Order', 'Item', 'Category', 'Days since delivery', 'Price', 'Refund'],
            ...rows.map((r) => [r.order, r.item, r.category, r.days, r.price, r.price]),
          ],
        },
      ],
      focus: SHEET,
      sheetChanges: [`${SHEET}!F2:F${last}`],
      distractors: [call('read_range', { range: `${SHEET}!A1:F1` }), call('list_sheets')],
      expert(view) {
        const step = lookUp(view);
        if (step) return step;
        const wb = view.sheet.wb;
        const applied = ruleFor(view.strategy);
        const guesses: Record<string, (r: ReturnRow) => number> = {
          'guess:zero-all': () => 0,
          'guess:fee-15-all': (r) => round2(r.price * 0.85),
          'strict-window': (r) => refund(rule, r, true),
        };
        const amounts = rows.map(guesses[view.strategy] ?? ((r) => refund(applied, r)));
        const done = rows.every((_, i) => get(wb, `${SHEET}!F${i + 2}`) !== null && Math.abs(num(get(wb, `${SHEET}!F${i + 2}`)) - amounts[i]!) < 0.005);
        if (done) return act(submit(), `Every refund in column F follows the rule: submit.`);
        const ruleLine = ticketFor(view.strategy).body;
        if (view.strategy === 'formulas') {
          const formulas = rows.map((_, i) => [`=IF(OR(D${i + 2}>${rule.window},C${i + 2}="${rule.category}"),0,ROUND(E${i + 2}*(1-${rule.fee}/100),2))`]);
          return writeBlock(
            SHEET,
            { corner: 'F2', from: ['Refund column (F)'] },
            formulas,
            [ruleLine],
            "the June rule's window, fee and category as a formula per row",
            `The June rule: refunds within ${rule.window} days, ${rule.fee}% restocking fee, nothing for ${rule.category}: one formula per row in column F.`,
          );
        }
        return writeBlock(
          SHEET,
          { corner: 'F2', from: ['Refund column (F)'] },
          amounts.map((a) => [a]),
          [ruleLine, ...lines(view)],
          'the rule applied to each row: 0 past the window or in the excluded category, else the price less the fee',
          `The rule (${ruleLine}) applied to each return: write the refunds into column F.`,
        );
      },
      verify({ wb }) {
        const right = rows.map((r) => refund(rule, r));
        const wrong = rows.flatMap((r, i) => {
          const v = get(wb, `${SHEET}!F${i + 2}`);
          return typeof v === 'number' && Math.abs(v - right[i]!) < 0.005 ? [] : [`${r.order}: ${JSON.stringify(v)} (expected ${right[i]})`];
        });
        return verdict(
          { refunds: wrong.length === 0 ? 1 : 0 },
          wrong.length === 0 ? 'every refund right' : `${wrong.length} of ${rows.length} refunds wrong, e.g. ${wrong.slice(0, 3).join(', ')}`,
        );
      },
    };
  },
};

function ruleText(month: string, rule: Rule): string {
  return `Refund rule for ${month} returns: returns within ${rule.window} days of delivery are refunded, less a restocking fee of ${rule.fee}% of the price; items in the ${rule.category} category are not refundable.`;
}

function drawRule(rng: Rng): Rule {
  return { window: rng.pick([14, 21, 30, 45]), fee: rng.pick([5, 10, 12, 15, 20]), category: rng.pick(['Clearance', 'Perishables', 'Gift cards']) };
}

function drawReturns(rng: Rng, count: number, others: number): { rule: Rule; others: Rule[]; rows: ReturnRow[] } {
  const rule = drawRule(rng);
  const rest = Array.from({ length: others }, () => drawRule(rng));
  const rows = Array.from({ length: count }, (_, i): ReturnRow => {
    const category = rng.pick(CATEGORIES);
    // Some returns right at the window's last day: "within N days" includes day N. Whole-dollar
    // prices and whole-percent fees give refunds in exact cents, so no rounding rule is in question.
    const days = rng.next() < 0.2 ? rule.window : rng.int(1, 60);
    return { order: `R-${7001 + i * 3 + rng.int(0, 2)}`, item: rng.pick(ITEMS[category]!), category, days, price: rng.int(8, 240) };
  });
  return { rule, others: rest, rows };
}

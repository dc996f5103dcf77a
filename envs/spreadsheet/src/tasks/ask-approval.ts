import type { Rng } from '@workgym/protocol';
import type { ExpertStep, Person } from '@workgym/protocol/kit';
import { sameValue, type Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { derive, move, readIfUnseen, refDerivation, rowLines, submit } from './expert-kit.js';
import { call, FIRST, get, LAST, num } from './helpers.js';
import { sheetComponents, type ExpertView, type FamilyDef, type TaskInstance } from './task.js';

/** The finance lead: the only one who can approve a write-off. */
export const FINANCE_LEAD = { id: 'morgan.hale', name: 'Morgan Hale', role: 'finance lead' } as const;

/** Rows more than this many days overdue are the write-off candidates. */
const OVERDUE_DAYS = 90;

/** What the finance lead decided: an approval with its reference, or a refusal with the date she will review the rows. */
export type Decision = { approved: true; reference: string; slip?: string } | { approved: false; reviewOn: string; slip?: string };

/** The same Action on every candidate row whatever the seed: the decision's word without her detail. */
const GUESSES: Record<string, string> = {
  'guess:write-off-plain': 'Write off',
  'guess:pending-plain': 'Pending approval',
};

/**
 * spreadsheet/ask-approval (people): invoices more than 90 days overdue are written off only with
 * the finance lead's approval. She grants it on about half the seeds (giving the approval
 * reference the Action must quote) and refuses it on the others (giving the review date the
 * Action must quote instead); on a third of the seeds she first misquotes the reference or date
 * and corrects it in the same reply. Nothing in the workbook or the instruction says which, so
 * the work is right only with what she said.
 */
export const askApproval: FamilyDef = {
  name: 'ask-approval',
  difficulty: 'medium',
  description: 'Mark the invoices over 90 days overdue "Write off <reference>" or "Pending approval <review date>", as the finance lead decides: ask her.',
  strategies: ['one-block', 'row-by-row'],
  nearMisses: ['from-90', 'no-detail'],
  guesses: ['write-off-plain', 'pending-plain'],
  conditions: ['approval', 'overdue'],
  components: sheetComponents('values'),
  collateral: true,
  features: ['people'],
  people: (task) => task.people ?? [],
  generate(rng) {
    return approvalTask(drawInvoices(rng), drawDecision(rng));
  },
};

/** Granted or refused (even odds), its reference or review date, and on a third of the seeds a misquoted one said first. */
export function drawDecision(rng: Rng): Decision {
  const approved = rng.int(0, 1) === 0;
  const slips = rng.int(0, 2) === 0;
  if (approved) {
    const [reference, other] = rng.sample(
      Array.from({ length: 9_000 }, (_, i) => `WO-${1_000 + i}`),
      2,
    ) as [string, string];
    return { approved, reference, ...(slips ? { slip: other } : {}) };
  }
  const [reviewOn, other] = rng.sample(
    Array.from({ length: 6 * 28 }, (_, i) => `2027-0${Math.floor(i / 28) + 1}-${String((i % 28) + 1).padStart(2, '0')}`),
    2,
  ) as [string, string];
  return { approved, reviewOn, ...(slips ? { slip: other } : {}) };
}

/**
 * 10 to 15 invoices: two to four over 90 days overdue, one at exactly 90 (the boundary the rule
 * leaves out) and the rest under it.
 */
function drawInvoices(rng: Rng): Value[][] {
  const n = rng.int(10, 15);
  const over = rng.int(2, 4);
  const days = [...Array.from({ length: over }, () => rng.int(OVERDUE_DAYS + 1, 240)), OVERDUE_DAYS];
  while (days.length < n) days.push(rng.int(0, OVERDUE_DAYS - 1));
  const order = rng.shuffle(days);
  return order.map((d, i) => [`INV-${7_100 + i}`, `${rng.pick(FIRST)} ${rng.pick(LAST)}`, rng.int(40, 4_000) + rng.pick([0, 0.5, 0.25]), d]);
}

/** The Action a candidate row gets for a decision: its word and, unless `plain`, her reference or review date. */
function actionOf(decision: { approved: boolean; detail: string }, plain = false): string {
  const word = decision.approved ? 'Write off' : 'Pending approval';
  return plain ? word : `${word} ${decision.detail}`;
}

function approvalTask(invoices: Value[][], decision: Decision): TaskInstance {
  const last = invoices.length + 1;
  const detail = decision.approved ? decision.reference : decision.reviewOn;
  const sayDecision = (said: string) =>
    decision.approved
      ? `Approved: write them off under reference ${said}.`
      : `I can't approve those write-offs yet. Mark them pending; I will review them on ${said}.`;
  const lead: Person = {
    ...FINANCE_LEAD,
    tone: 'formal',
    channel: 'message',
    facts: [
      {
        id: 'approval',
        about: 'whether the invoices over 90 days overdue may be written off (the approval reference, or the review date)',
        asks: ['approv*|authori*|sign off|permission', 'write off & ok|okay|allowed|go ahead'],
        paraphrases: [
          `Do you approve writing off the invoices more than ${OVERDUE_DAYS} days overdue?`,
          `Can I have your sign off to write off the invoices over ${OVERDUE_DAYS} days overdue?`,
          'Do I have your authorisation to write off the long overdue invoices?',
        ],
        answer: sayDecision(detail),
        value: detail,
        approval: decision.approved,
        ...(decision.slip ? { slip: sayDecision(decision.slip) } : {}),
      },
    ],
  };
  const overdue = (wb: Workbook, r: number) => num(get(wb, `Invoices!D${r}`)) > OVERDUE_DAYS;
  const instruction =
    `On sheet Invoices (A1:E${last}: Invoice, Customer, Amount, Days overdue, Action), invoices more than ${OVERDUE_DAYS} days overdue may be written off ` +
    `only with the approval of ${FINANCE_LEAD.name} (${FINANCE_LEAD.id}), the ${FINANCE_LEAD.role}. In Action (column E) of each of those rows write ` +
    `"Write off <reference>" with the approval reference she gives if she approves, or "Pending approval <review date>" with the review date ` +
    `(YYYY-MM-DD) she sets if she does not. Leave the Action of every other row empty and change no other cell. Then submit.`;
  return {
    instruction,
    sheets: [
      {
        name: 'Invoices',
        rows: [['Invoice', 'Customer', 'Amount', 'Days overdue', 'Action'], ...invoices],
        formats: [{ range: `C2:C${last}`, format: { numFmt: '#,##0.00' } }],
      },
    ],
    focus: 'Invoices',
    expected: (start) => {
      const out: Record<string, Value> = {};
      for (let r = 2; r <= last; r++) out[`Invoices!E${r}`] = overdue(start, r) ? actionOf({ approved: decision.approved, detail }) : null;
      return out;
    },
    // One wrong row is a wrong decision: a dropped condition earns nothing.
    valueMode: 'all',
    people: [lead],
    expert(view) {
      const { strategy } = view;
      const people = view.people!;
      const asks = !strategy.startsWith('guess:') && strategy !== 'relax:approval';
      if (asks && !people.wasAsked(FINANCE_LEAD.id, 'approval'))
        return people.ask(FINANCE_LEAD.id, 'approval', `Writing off needs ${FINANCE_LEAD.name}'s approval, and nothing shown gives it: asking her.`);
      const read = readIfUnseen(
        view,
        'Invoices',
        `A1:E${last}`,
        [`A1:E${last}`],
        'I need every invoice’s Days overdue before setting the Actions; reading the table.',
      );
      if (read) return read;
      const heard = asks ? people.heard(FINANCE_LEAD.id, 'approval') : undefined;
      const rows = (r: number) =>
        strategy === 'relax:overdue' ? true : strategy === 'from-90' ? num(get(view.wb, `Invoices!D${r}`)) >= OVERDUE_DAYS : overdue(view.wb, r);
      const guess = GUESSES[strategy];
      if (guess !== undefined) return actionsMove(view, last, rows, guess, [guess], `the same Action whatever ${FINANCE_LEAD.name} would say`);
      if (heard === undefined) {
        const why = strategy === 'relax:approval' ? 'Nobody was asked' : `${FINANCE_LEAD.name} did not reply`;
        return actionsMove(view, last, rows, 'Pending approval', ['Pending approval'], `${why}, so nothing is approved: every candidate is pending`);
      }
      // A reference (WO-…) is an approval; a date is the review she set instead.
      const decided = { approved: heard.startsWith('WO-'), detail: heard };
      const action = actionOf(decided, strategy === 'no-detail');
      const said = decided.approved
        ? `${FINANCE_LEAD.name} approved the write-offs under reference ${heard}`
        : `${FINANCE_LEAD.name} refused for now and will review them on ${heard}`;
      return actionsMove(view, last, rows, action, [heard, decided.approved ? 'Write off' : 'Pending approval'], said);
    },
    distractors: [
      call('read_range', { range: `Invoices!A1:E${last}` }),
      call('write_cells', { range: 'Invoices!E2', values: [['Write off']] }),
      call('set_format', { range: 'Invoices!A1:E1', bold: true }),
      call('sort', { range: `Invoices!A2:E${last}`, keys: [{ column: 'D', order: 'desc' }] }),
    ],
  };
}

/**
 * Sets the Action column (`action` on the rows `candidate` picks, empty on the others) unless it
 * already reads so, then submits: in one write_cells over the column, or (`row-by-row`) a cell at
 * a time, from the top.
 */
function actionsMove(view: ExpertView, last: number, candidate: (r: number) => boolean, action: string, sources: string[], said: string): ExpertStep {
  const want = (r: number) => (candidate(r) ? action : null);
  const wrong = Array.from({ length: last - 1 }, (_, i) => i + 2).filter((r) => !sameValue(get(view.wb, `Invoices!E${r}`), want(r)));
  if (wrong.length === 0) return submit(`${said}; the Action column reads so. Submitting.`);
  const picked = Array.from({ length: last - 1 }, (_, i) => i + 2).filter(candidate);
  const rowsOf = (rows: number[]) => rows.map((r) => rowLines(view.wb, 'Invoices', r, r, 4)[0]!);
  if (view.strategy === 'row-by-row') {
    const r = wrong[0]!;
    const value = want(r);
    return move(
      'write_cells',
      { range: `Invoices!E${r}`, values: [[value]] },
      value === null
        ? `${said}. Row ${r} is not more than ${OVERDUE_DAYS} days overdue by the table, so its Action stays empty; clearing E${r}.`
        : `${said}. Row ${r} is more than ${OVERDUE_DAYS} days overdue by the table: "${action}" in E${r}.`,
      [
        refDerivation('Invoices', `E${r}`, [`A1:E${last}`], `the Action cell of row ${r}`),
        ...(value === null ? [] : [derive(action, [...sources, ...rowsOf([r])], 'the decision she gave, on an overdue row')]),
      ],
    );
  }
  return move(
    'write_cells',
    { range: `Invoices!E2:E${last}`, values: Array.from({ length: last - 1 }, (_, i) => [want(i + 2)]) },
    `${said}. Rows ${picked.join(', ')} are more than ${OVERDUE_DAYS} days overdue by the table: "${action}" there, every other Action empty.`,
    [
      refDerivation('Invoices', `E2:E${last}`, [`A1:E${last}`], 'the Action column of the table'),
      derive(action, [...sources, ...rowsOf(picked)], 'the decision she gave, on the overdue rows'),
    ],
  );
}

import {
  act,
  click,
  correspondent,
  findNode,
  mustFind,
  mailData,
  numbered,
  onMessage,
  openMessage,
  seenMessage,
  submit,
  WebmailSite,
  type Mail,
} from '@workgym/env-browser/apps';
import { call, get } from '@workgym/env-spreadsheet/apps';
import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { cents, centsAmount, readTable, tableLines, writeBlock } from './steps.js';
import { verdict, type FamilyDef, type WorkdayView } from './task.js';

const SHEET = 'Ledger';
const ACCOUNTS = ['Sales', 'Purchases', 'Payroll', 'Rent', 'Utilities'];
const MONTHS = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05'];
/** Accounts in the ledger and routine mails around the figures, by tier. */
const SIZE: Record<Difficulty, { accounts: number; mails: number }> = {
  easy: { accounts: 3, mails: 10 },
  medium: { accounts: 4, mails: 25 },
  hard: { accounts: 5, mails: 45 },
};

export const mailFiguresLedger: FamilyDef = {
  name: 'mail-figures-ledger',
  job: 'bookkeeping',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description: "Enter the month's figures a colleague mailed (among last month's mail and a draft of this month's) into the June row of the ledger sheet.",
  strategies: ['search', 'browse'],
  nearMisses: ['reply-with-figures', 'june-into-may-row'],
  // The kit judges both apps whole: the June row is the task's one change (sheetChanges); any
  // other cell changed, or a mail sent, fails its no_collateral.
  collateral: true,
  components: [{ name: 'figures', kind: 'progress' }],
  conditions: ['month', 'final'],
  guesses: ['copy-previous-row', 'zeros'],
  generate(rng, _task, tier) {
    const size = SIZE[tier];
    const accounts = ACCOUNTS.slice(0, size.accounts);
    const draw = () => accounts.map(() => centsAmount((lo, hi) => rng.int(lo, hi), 80_000, 2_500_000));
    // Earlier months are in the ledger; May's mail holds May's row. Every June figure differs
    // from May's and from the draft's, so taking either mail gets every figure wrong.
    const { june, draft, history } = drawUntil(
      rng,
      () => ({ june: draw(), draft: draw(), history: MONTHS.map(() => draw()) }),
      (t) => t.june.every((v, i) => v !== t.draft[i] && v !== t.history[4]![i]),
    );
    const colleague = correspondent(rng, 'company.example');
    const inbox = mailData(rng, size.mails);
    const figuresMail = (subject: string, values: number[], date: string, note: string): Mail => ({
      id: 0,
      folder: 'inbox',
      from: colleague.email,
      to: inbox.me,
      subject,
      body: `Hi,\n${note}\n${accounts.map((a, i) => `${a}: ${cents(values[i]!)}`).join('\n')}\nBest,\n${colleague.name}`,
      date,
    });
    const final = figuresMail('June figures', june, `2025-07-0${rng.int(2, 4)}`, 'here are the final June figures for the ledger:');
    const lookAlikes = [
      figuresMail('May figures', history[4]!, `2025-06-0${rng.int(2, 4)}`, 'here are the final May figures for the ledger:'),
      figuresMail(
        'June figures (draft)',
        draft,
        `2025-06-${rng.int(26, 30)}`,
        'a first draft of the June figures; the final ones follow once the books close:',
      ),
    ];
    const messages = numbered(rng, [...inbox.messages, final, ...lookAlikes]);
    const mail = new WebmailSite({ me: inbox.me, messages });
    const columns = accounts.length + 1;
    const lastCol = String.fromCharCode(64 + columns);

    /** The mail a strategy takes its figures from. */
    const source = (strategy: string): Mail => (strategy === 'relax:month' ? lookAlikes[0]! : strategy === 'relax:final' ? lookAlikes[1]! : final);
    const lookUp = (view: WorkdayView): ExpertStep | undefined => {
      if (view.strategy.startsWith('guess:')) return undefined;
      const wanted = source(view.strategy);
      if (seenMessage(view.page, wanted)) return readTable(view, SHEET, `A1:${lastCol}7`, 'Read the ledger to see where June goes.');
      return openMessage(view.page, wanted, view.strategy === 'browse' ? undefined : 'figures');
    };

    return {
      instruction:
        `${colleague.name} (${colleague.email}) mailed you the final June figures. Enter them into the 2025-06 row of the ${SHEET} sheet, ` +
        'one account per column as the header names them, as numbers in dollars and cents; then submit.',
      sites: [mail],
      startUrl: 'http://mail.test/',
      sheets: [
        {
          name: SHEET,
          rows: [['Month', ...accounts], ...MONTHS.map((m, r) => [m, ...history[r]!.map((v) => v / 100)]), ['2025-06']],
        },
      ],
      focus: SHEET,
      sheetChanges: [`${SHEET}!B7:${lastCol}7`],
      distractors: [call('read_range', { range: `${SHEET}!A1:${lastCol}1` }), call('list_sheets')],
      expert(view) {
        const step = lookUp(view);
        if (step) return step;
        const wb = view.sheet.wb;
        const from = source(view.strategy);
        const lines = from.body.split('\n').filter((l) => accounts.some((a) => l.startsWith(`${a}:`)));
        const mailed = lines.map((l) => Number(l.split(': ')[1]));
        const previous = tableLines(wb, SHEET, 6, 6, columns);
        const ways: Record<string, { row: number; values: number[]; sources: string[]; how: string }> = {
          'guess:copy-previous-row': { row: 7, values: accounts.map((_, i) => history[4]![i]! / 100), sources: previous, how: 'the 2025-05 row copied' },
          'guess:zeros': { row: 7, values: accounts.map(() => 0), sources: ['2025-06'], how: 'nothing entered yet' },
          'june-into-may-row': { row: 6, values: mailed, sources: lines, how: 'the mailed figures' },
        };
        const plan = ways[view.strategy] ?? { row: 7, values: mailed, sources: lines, how: 'the figures as the mail lists them' };
        if (view.strategy === 'reply-with-figures') {
          if (mail.sent().length > 0) return act(submit(), 'The figures went back to the colleague: submit.');
          return replyStep(view, from);
        }
        const written = plan.values.every((v, i) => get(wb, `${SHEET}!${String.fromCharCode(66 + i)}${plan.row}`) === v);
        if (written) return act(submit(), `The 2025-06 row holds the June figures: submit.`);
        return writeBlock(
          SHEET,
          { corner: `B${plan.row}`, from: [plan.row === 7 ? '2025-06' : '2025-05'] },
          [plan.values],
          plan.sources,
          plan.how,
          `"${from.subject}" from ${from.from} lists ${lines.join(', ')}: enter them in the order of the ledger's columns.`,
        );
      },
      verify({ wb }) {
        const wrong = accounts.flatMap((a, i) => {
          const v = get(wb, `${SHEET}!${String.fromCharCode(66 + i)}7`);
          return typeof v === 'number' && Math.abs(v * 100 - june[i]!) < 0.5 ? [] : [`${a} ${JSON.stringify(v)} (expected ${cents(june[i]!)})`];
        });
        return verdict(
          { figures: wrong.length === 0 ? 1 : 0 },
          wrong.length === 0 ? 'the June row holds the final figures' : `June row wrong: ${wrong.join(', ')}`,
        );
      },
    };
  },
};

/** The near-miss that answers the mail (its reply quotes the figures) instead of entering them in the ledger. */
function replyStep(view: WorkdayView, from: Mail): ExpertStep {
  const send = view.page.snapshot.title === 'Reply' ? findNode(view.page.snapshot, 'button', 'Send') : undefined;
  if (send) return act(click(send), 'The reply quotes the figures: send them back instead of entering them.');
  if (!onMessage(view.page, from)) return openMessage(view.page, from, undefined);
  return act(click(mustFind(view.page.snapshot, 'link', 'Reply')), `Answer "${from.subject}" with the figures it lists.`);
}

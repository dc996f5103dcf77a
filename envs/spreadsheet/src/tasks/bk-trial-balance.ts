import type { Difficulty, ExpertStep } from '@workgym/protocol/kit';
import { drawUntil } from '@workgym/protocol/kit';
import type { Rng } from '@workgym/protocol';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { fillGridMove, labelMove, serialOf, writeGridMove, type FormulaGrid } from './bk-ledger.js';
import { derive, move, readIfUnseen, rowLine } from './expert-kit.js';
import { bump, call, get, num, relabel, round2, setValues } from './helpers.js';
import { sheetComponents, type ExpertView, type FamilyDef } from './task.js';

/** A chart of accounts: number and name, as a small business's ledger names them. */
const ACCOUNTS = [
  '1000 Cash',
  '1100 Bank',
  '1200 Accounts receivable',
  '1400 Inventory',
  '2000 Accounts payable',
  '2100 VAT payable',
  '3000 Owner equity',
  '4000 Sales',
  '4100 Service revenue',
  '5000 Cost of goods sold',
  '6000 Rent expense',
  '6100 Wages expense',
  '6200 Utilities expense',
  '6300 Office expense',
];
const MEMOS = ['Invoice', 'Supplier bill', 'Monthly rent', 'Payroll', 'Cash sale', 'Bank transfer', 'Owner contribution', 'Stock purchase', 'Utility bill'];

/** The tier's knob: how many entries and accounts, how many lines an entry may have, how many draft look-alikes. */
const TIERS: Record<Difficulty, { entries: number; accounts: number; maxLines: number; drafts: number }> = {
  easy: { entries: 8, accounts: 5, maxLines: 2, drafts: 1 },
  medium: { entries: 16, accounts: 7, maxLines: 3, drafts: 2 },
  hard: { entries: 30, accounts: 10, maxLines: 4, drafts: 4 },
};

type Condition = 'account' | 'posted';
const CONDITIONS: readonly Condition[] = ['account', 'posted'];

interface Line {
  entry: string;
  date: number;
  account: string;
  memo: string;
  debit: number | null;
  credit: number | null;
  status: 'Posted' | 'Draft';
}

/** An amount with a transposition typo: two different adjacent digits swapped (5400 → 4500). */
function transposed(rng: Rng, amount: number): number {
  const digits = String(amount).split('');
  const spots = digits.flatMap((d, i) => (i + 1 < digits.length && d !== digits[i + 1] && !(i === 0 && digits[1] === '0') ? [i] : []));
  const i = rng.pick(spots);
  [digits[i], digits[i + 1]] = [digits[i + 1]!, digits[i]!];
  return Number(digits.join(''));
}

/** One journal entry: debit lines and one credit line (or the other way round) that balance. */
function drawEntry(rng: Rng, number: string, date: number, accounts: readonly string[], maxLines: number, status: Line['status']): Line[] {
  const count = rng.int(2, maxLines);
  const used = rng.sample(accounts, count);
  const memo = rng.pick(MEMOS);
  const amounts = Array.from({ length: count - 1 }, () => rng.int(12, 980) * 10 + rng.int(1, 9));
  const total = amounts.reduce((s, a) => s + a, 0);
  const debitSide = rng.next() < 0.5;
  const line = (account: string, amount: number, debit: boolean): Line => ({
    entry: number,
    date,
    account,
    memo,
    debit: debit ? amount : null,
    credit: debit ? null : amount,
    status,
  });
  return [...amounts.map((a, i) => line(used[i]!, a, debitSide)), line(used[count - 1]!, total, !debitSide)];
}

/** The entries whose debits and credits differ, in journal order, `dropped` ignored. */
function unbalanced(lines: readonly Line[], dropped?: Condition): string[] {
  const diff = new Map<string, number>();
  for (const l of lines) if (dropped === 'posted' || l.status === 'Posted') diff.set(l.entry, (diff.get(l.entry) ?? 0) + (l.debit ?? 0) - (l.credit ?? 0));
  return [...diff.entries()].filter(([, d]) => Math.abs(d) > 0.005).map(([e]) => e);
}

/** Total debit and credit of an account over the lines, `dropped` ignored. */
function accountTotals(lines: readonly Line[], account: string, dropped?: Condition): [number, number] {
  let debit = 0;
  let credit = 0;
  for (const l of lines) {
    if ((dropped !== 'account' && l.account !== account) || (dropped !== 'posted' && l.status !== 'Posted')) continue;
    debit += l.debit ?? 0;
    credit += l.credit ?? 0;
  }
  return [round2(debit), round2(credit)];
}

/** Journal lines as the sheet holds them now. */
function linesOf(wb: Workbook, last: number): Line[] {
  const out: Line[] = [];
  for (let r = 2; r <= last; r++) {
    const amount = (c: string) => (get(wb, `Journal!${c}${r}`) === null ? null : num(get(wb, `Journal!${c}${r}`)));
    out.push({
      entry: String(get(wb, `Journal!A${r}`)),
      date: num(get(wb, `Journal!B${r}`)),
      account: String(get(wb, `Journal!C${r}`)),
      memo: String(get(wb, `Journal!D${r}`)),
      debit: amount('E'),
      credit: amount('F'),
      status: get(wb, `Journal!G${r}`) as Line['status'],
    });
  }
  return out;
}

/** A trial balance from a journal with formulas, and the one posted entry that does not balance. */
export const bkTrialBalance: FamilyDef = {
  name: 'bk-trial-balance',
  job: 'bookkeeping',
  difficulty: 'hard',
  tiers: ['easy', 'medium', 'hard'],
  description:
    "Build a trial balance (each account's posted debits, credits and balance, with totals) with SUMIFS over a journal, and answer which posted entry does not balance.",
  strategies: ['fill-grid', 'write-block'],
  nearMisses: ['typed-balance', 'answer-only'],
  components: sheetComponents('formulas', 'values', 'labels', 'answer'),
  collateral: true,
  conditions: CONDITIONS,
  guesses: ['first-entry', 'balances'],
  generate(rng, _task, tier) {
    const knob = TIERS[tier];
    const year = rng.int(2023, 2026);
    const month = rng.int(1, 12);
    const accounts = rng.sample(ACCOUNTS, knob.accounts).sort();
    const base = rng.int(1, 60) * 10;
    const lines = drawUntil(
      rng,
      (r) => {
        const total = knob.entries + knob.drafts;
        const drafts = new Set(r.sample([...Array(total).keys()].slice(1), knob.drafts));
        const entries = Array.from({ length: total }, (_, i) =>
          drawEntry(r, `JE-${base + i + 1}`, serialOf(year, month, Math.min(28, 1 + i)), accounts, knob.maxLines, drafts.has(i) ? 'Draft' : 'Posted'),
        );
        // One posted entry (never the first or the last) and one draft carry a transposition typo.
        const posted = entries.filter((e, i) => e[0]!.status === 'Posted' && i > 0 && i < total - 1);
        const draft = entries.filter((e) => e[0]!.status === 'Draft');
        for (const entry of [r.pick(posted), r.pick(draft)]) {
          const line = r.pick(entry);
          if (line.debit !== null) line.debit = transposed(r, line.debit);
          else line.credit = transposed(r, line.credit!);
        }
        return entries.flat();
      },
      (drawn) => {
        const right = unbalanced(drawn);
        return (
          right.length === 1 &&
          unbalanced(drawn, 'posted').length === 2 &&
          // Every account has posted debits and credits: a total of 0 would stay 0 under the
          // formula check's perturbation, and a constant 0 typed there would pass it.
          accounts.every((a) =>
            ['debit', 'credit'].every((side) => drawn.some((l) => l.account === a && l.status === 'Posted' && l[side as 'debit' | 'credit'] !== null)),
          )
        );
      },
    );
    const wrongEntry = unbalanced(lines)[0]!;
    const last = lines.length + 1;
    const k = accounts.length;
    const totalRow = k + 2;
    const J = (c: string) => `Journal!$${c}$2:$${c}$${last}`;
    const cells: string[] = [];
    for (let r = 2; r <= totalRow; r++) for (const c of ['B', 'C', 'D']) cells.push(`TB!${c}${r}`);
    const expected = (wb: Workbook) => {
      const now = linesOf(wb, last);
      const out: Record<string, Value> = { [`TB!A${totalRow}`]: 'Total' };
      const sums = [0, 0];
      for (let r = 2; r <= k + 1; r++) {
        const [debit, credit] = accountTotals(now, String(get(wb, `TB!A${r}`)));
        Object.assign(out, { [`TB!B${r}`]: debit, [`TB!C${r}`]: credit, [`TB!D${r}`]: round2(debit - credit) });
        sums[0]! += debit;
        sums[1]! += credit;
      }
      Object.assign(out, { [`TB!B${totalRow}`]: round2(sums[0]!), [`TB!C${totalRow}`]: round2(sums[1]!), [`TB!D${totalRow}`]: round2(sums[0]! - sums[1]!) });
      return out;
    };
    const side = (c: string) => (r: number, dropped?: Condition) => {
      const criteria = [dropped === 'account' ? '' : `,${J('C')},$A${r}`, dropped === 'posted' ? '' : `,${J('G')},"Posted"`].join('');
      // The summed column's letter is relative, so the Debit formula filled right sums the Credit column.
      return `=SUMIFS(Journal!${c}$2:${c}$${last}${criteria})`;
    };
    const plan: Plan = { last, k, totalRow, lines, wrongEntry, side, expected };
    return {
      instruction:
        `Sheet Journal (A1:G${last}: Entry, Date, Account, Description, Debit, Credit, Status) holds this month's journal entries, one line per row; ` +
        `Draft entries are not posted yet. On sheet TB (trial balance), A2:A${k + 1} list the accounts. Fill B2:B${k + 1} (Debit) and C2:C${k + 1} ` +
        `(Credit) with formulas (SUMIFS over the Journal) for each account's total of Posted lines only, and D2:D${k + 1} (Balance) with Debit minus ` +
        `Credit. Put "Total" in A${totalRow} and the column totals in B${totalRow}:D${totalRow}, also as formulas. The totals will show that the posted ` +
        'entries do not balance: find the one posted entry whose debits and credits differ and give its Entry number (like "JE-104") with the answer tool. ' +
        'Change no other cell.',
      sheets: [
        {
          name: 'Journal',
          rows: [
            ['Entry', 'Date', 'Account', 'Description', 'Debit', 'Credit', 'Status'],
            ...lines.map((l) => [l.entry, l.date, l.account, l.memo, l.debit, l.credit, l.status]),
          ],
          formats: [{ range: `B2:B${last}`, format: { numFmt: 'yyyy-mm-dd' } }],
        },
        { name: 'TB', rows: [['Account', 'Debit', 'Credit', 'Balance'], ...accounts.map((a) => [a])] },
      ],
      focus: 'TB',
      question: { accept: [wrongEntry] },
      expected,
      // All or nothing: a balance with a condition dropped earns nothing for the accounts it happens to get right.
      valueMode: 'all',
      labels: [`TB!A${totalRow}`],
      formulas: {
        cells,
        inputs: [`Journal!C2:C${last}`, `Journal!E2:G${last}`, `TB!A2:A${k + 1}`],
        perturb: (wb, r) => {
          bump(wb, r, 'Journal', 'E', [2, last], 1, 40);
          bump(wb, r, 'Journal', 'F', [2, last], 1, 40);
          relabel(wb, r, 'Journal', 'C', [2, last]);
          relabel(wb, r, 'Journal', 'G', [2, last]);
          // The trial balance's accounts rotate: a formula must read its row's account.
          const shift = r.int(1, k - 1);
          setValues(wb, Object.fromEntries(accounts.map((_, i) => [`TB!A${i + 2}`, get(wb, `TB!A${((i + shift) % k) + 2}`)])));
        },
      },
      expert: (view) => expertStep(view, plan),
      distractors: [
        call('read_range', { range: `Journal!A1:G${last}` }),
        call('set_formula', { cell: 'TB!B2', formula: `=SUMIF(${J('C')},$A2,${J('E')})` }),
        call('set_format', { range: `TB!B2:D${totalRow}`, number_format: '#,##0.00' }),
      ],
    };
  },
};

interface Plan {
  last: number;
  k: number;
  totalRow: number;
  lines: readonly Line[];
  wrongEntry: string;
  side(c: string): (r: number, dropped?: Condition) => string;
  expected(wb: Workbook): Record<string, Value>;
}

function expertStep(view: ExpertView, p: Plan): ExpertStep {
  const { wb, strategy } = view;
  const read =
    readIfUnseen(view, 'TB', `A1:D${p.k + 1}`, [`A2:A${p.k + 1}`], 'I need the accounts the trial balance lists; reading them.') ??
    readIfUnseen(
      view,
      'Journal',
      `A1:G${p.last}`,
      [`A1:G${p.last}`],
      `The trial balance is built over the Journal, which I have not seen in full; reading A1:G${p.last}.`,
    );
  if (read) return read;
  const now = linesOf(wb, p.last);
  const dropped = strategy.startsWith('relax:') ? (strategy.slice('relax:'.length) as Condition) : undefined;
  if (strategy === 'guess:first-entry') return move('answer', { text: now[0]!.entry }, 'Answering the first entry.');
  if (strategy === 'guess:balances') return move('answer', { text: 'balanced' }, 'Answering that the journal balances.');
  if (strategy !== 'answer-only') {
    const build = strategy === 'typed-balance' ? typedMove(wb, p) : gridMoves(view, p, dropped);
    if (build) return build;
    const label = labelMove(wb, 'TB', `A${p.totalRow}`, 'Total', [`A${p.totalRow}`]);
    if (label) return label;
  }
  return answerMove(wb, now, dropped);
}

function gridMoves(view: ExpertView, p: Plan, dropped?: Condition): ExpertStep | undefined {
  const { wb, strategy } = view;
  const sources = [rowLine(wb, 'Journal', 1, 7), rowLine(wb, 'TB', 1, 4), 'SUMIFS', 'Posted'];
  const grids: FormulaGrid[] = [
    {
      sheet: 'TB',
      top: 2,
      left: 2,
      bottom: p.k + 1,
      right: 3,
      formula: (r, c) => p.side(c === 2 ? 'E' : 'F')(r, dropped),
      label: 'the Debit and Credit totals',
      sources,
      how: 'SUMIFS of the Debit (Journal column E) or Credit (F) amounts whose Account (C) is the row label in column A and whose Status (G) is Posted',
      rangeSources: [`B2:B${p.k + 1}`, `C2:C${p.k + 1}`],
    },
    {
      sheet: 'TB',
      top: 2,
      left: 4,
      bottom: p.k + 1,
      right: 4,
      formula: (r) => `=B${r}-C${r}`,
      label: 'the Balance column',
      sources: ['Debit minus Credit'],
      how: "the row's Debit minus its Credit",
      rangeSources: [`D2:D${p.k + 1}`],
    },
    {
      sheet: 'TB',
      top: p.totalRow,
      left: 2,
      bottom: p.totalRow,
      right: 4,
      formula: (_r, c) => `=SUM(${'BCD'[c - 2]}2:${'BCD'[c - 2]}${p.k + 1})`,
      label: 'the Total row',
      sources: ['Total', `B${p.totalRow}:D${p.totalRow}`],
      how: "the sum of the column's account rows",
      rangeSources: [`B${p.totalRow}:D${p.totalRow}`],
    },
  ];
  const gridMove = strategy === 'write-block' ? writeGridMove : fillGridMove;
  for (const g of grids) {
    const next = gridMove(wb, g);
    if (next) return next;
  }
  return undefined;
}

/** The typed-balance near-miss: every figure of the trial balance typed in as a number. */
function typedMove(wb: Workbook, p: Plan): ExpertStep | undefined {
  const want = p.expected(wb);
  const values: number[][] = [];
  for (let r = 2; r <= p.totalRow; r++) values.push(['B', 'C', 'D'].map((c) => want[`TB!${c}${r}`] as number));
  if (values.every((row, i) => row.every((v, j) => get(wb, `TB!${'BCD'[j]}${i + 2}`) === v))) return undefined;
  return move('write_cells', { range: `TB!B2:D${p.totalRow}`, values }, 'Typing the trial balance figures.');
}

/** The answer: the posted entry whose debit and credit lines differ, as the shown lines add up. */
function answerMove(wb: Workbook, now: readonly Line[], dropped?: Condition): ExpertStep {
  const entry = unbalanced(now, dropped)[0] ?? now[0]!.entry;
  const rows = now.flatMap((l, i) => (l.entry === entry ? [i + 2] : []));
  const of = (side: 'debit' | 'credit') => round2(now.filter((l) => l.entry === entry).reduce((s, l) => s + (l[side] ?? 0), 0));
  return move(
    'answer',
    { text: entry },
    `The Total row shows the posted debits and credits differ. Adding each posted entry's lines, only ${entry} (rows ${rows.join(', ')}) does not balance: debits ${of('debit')} against credits ${of('credit')}.`,
    [
      derive(
        entry,
        rows.map((r) => rowLine(wb, 'Journal', r, 7)),
        'the posted entry whose Debit lines and Credit lines add up to different totals',
      ),
    ],
  );
}

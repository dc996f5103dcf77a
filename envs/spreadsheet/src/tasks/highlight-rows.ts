import type { ExpertStep } from '@workgym/protocol/kit';
import { cellKey } from '../engine/sheet.js';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { othersUnchanged } from '../verify.js';
import { move, readIfUnseen, refDerivation, rowLine, submit } from './expert-kit.js';
import { call, FIRST, get, LAST, num } from './helpers.js';
import { sheetComponents, type FamilyDef } from './task.js';

const YELLOW = 'FFFF00';
const COLUMNS = 4;

/** A row's four values as one key: rows are judged by content, wherever the agent moved them. */
const rowKey = (wb: Workbook, row: number) => JSON.stringify(['A', 'B', 'C', 'D'].map((c) => get(wb, `Invoices!${c}${row}`)));

function fills(wb: Workbook, row: number): (string | undefined)[] {
  const sheet = wb.sheet('Invoices');
  return [1, 2, 3, 4].map((c) => sheet?.cells.get(cellKey(row, c))?.format?.fill);
}

const highlighted = (wb: Workbook, row: number) => fills(wb, row).every((f) => f === YELLOW);
const filled = (wb: Workbook, row: number) => fills(wb, row).some((f) => f !== undefined);
const lastRow = (wb: Workbook) => wb.sheet('Invoices')?.extent().rows ?? 0;

/** Highlighting rows by a rule: fill the rows that match a condition. */
export const highlightRows: FamilyDef = {
  name: 'highlight-rows',
  difficulty: 'easy',
  description: 'Give a yellow fill to the invoice rows that are overdue and above an amount.',
  strategies: ['row-by-row', 'grouped-ranges'],
  nearMisses: ['rewrite-and-fill-all'],
  components: sheetComponents('formats'),
  collateral: true,
  conditions: ['status', 'amount'],
  guesses: ['first-row', 'all-rows', 'overdue-over-300'],
  generate(rng) {
    const n = rng.int(10, 16);
    const threshold = rng.int(10, 80) * 10;
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++)
      rows.push([`INV-${5000 + i}`, `${rng.pick(FIRST)} ${rng.pick(LAST)}`, rng.int(50, 900), rng.pick(['Paid', 'Open', 'Overdue', 'Overdue'])]);
    // Two rows match the rule (no single row is the answer), one of them just over the amount; an
    // overdue row at or just under it and a row over it that is not overdue make each condition
    // change the rows to fill, and no fixed amount but the stated one splits them right.
    const [match, close, amountDecoy, statusDecoy] = rng.sample([...Array(n).keys()], 4) as [number, number, number, number];
    const set = (i: number, amount: number, status: string) => (rows[i] = [rows[i]![0]!, rows[i]![1]!, amount, status]);
    set(match, threshold + rng.int(1, 300), 'Overdue');
    set(close, threshold + rng.int(1, 4), 'Overdue');
    set(amountDecoy, threshold - rng.int(0, 4), 'Overdue');
    set(statusDecoy, threshold + rng.int(1, 300), rng.pick(['Paid', 'Open']));
    const last = n + 1;
    const table = `A1:D${last}`;
    const overdue = (wb: Workbook, r: number) => get(wb, `Invoices!D${r}`) === 'Overdue';
    const over = (wb: Workbook, r: number) => num(get(wb, `Invoices!C${r}`)) > threshold;
    const rule = (wb: Workbook, r: number) => overdue(wb, r) && over(wb, r);
    const targetKeys = (start: Workbook) =>
      new Set(
        [...Array(n).keys()]
          .map((i) => i + 2)
          .filter((r) => rule(start, r))
          .map((r) => rowKey(start, r)),
      );
    return {
      instruction:
        `On sheet Invoices (${table}: Invoice, Customer, Amount, Status), give every row whose Status is "Overdue" and whose Amount is greater ` +
        `than ${threshold} a yellow fill (#FFFF00) across columns A to D. Leave other rows unfilled and every value as it is. Then submit.`,
      sheets: [{ name: 'Invoices', rows: [['Invoice', 'Customer', 'Amount', 'Status'], ...rows] }],
      focus: 'Invoices',
      // Any data row may get its fill, so every cell of them is a declared change.
      writes: [`Invoices!A2:D${last}`],
      // The rows to fill come from the task's own copy of the invoices: a filled row counts when
      // its content is one of those rows. Any other filled row is a wrong answer, not a cost that
      // more right rows net out: filling a superset (a condition dropped) earns nothing.
      formats: (wb, start) => {
        const targets = targetKeys(start);
        const found = new Set<string>();
        let wrong = 0;
        for (let r = 1; r <= lastRow(wb); r++) {
          if (!filled(wb, r)) continue;
          const key = rowKey(wb, r);
          if (highlighted(wb, r) && targets.has(key) && !found.has(key)) found.add(key);
          else wrong += 1;
        }
        // The data rows are declared changes (their fills), so no_collateral does not see a value
        // changed there: fills count only on the rows as they were.
        const values = othersUnchanged({ writes: [] }, start, wb);
        return {
          score: wrong > 0 || values.score < 1 ? 0 : found.size / targets.size,
          detail: `${found.size} of ${targets.size} matching rows filled, ${wrong} other rows filled${values.score < 1 ? `; ${values.detail}` : ''}`,
        };
      },
      expert(view) {
        const { wb, strategy } = view;
        const height = lastRow(wb);
        const read = readIfUnseen(
          view,
          'Invoices',
          `A1:D${height}`,
          [table],
          'I need every invoice’s Amount and Status before highlighting; reading the table.',
        );
        if (read) return read;
        if (strategy === 'rewrite-and-fill-all') {
          const values: Value[][] = [];
          for (let r = 2; r <= height; r++) values.push([threshold + 1000, 'Overdue']);
          if (values.some((v, i) => !rule(wb, i + 2)))
            return move('write_cells', { range: `Invoices!C2:D${height}`, values }, 'Making every row overdue and above the amount.');
          if ([...Array(height - 1).keys()].some((i) => !highlighted(wb, i + 2)))
            return move('set_format', { range: `Invoices!A2:D${height}`, fill_color: '#FFFF00' }, 'Filling every row.');
          return submit('Every row is filled.');
        }
        const wanted = wantedRows(strategy, { overdue: (r) => overdue(wb, r), over: (r) => over(wb, r), amount: (r) => num(get(wb, `Invoices!C${r}`)) });
        const fixes: { row: number; fill: boolean }[] = [];
        for (let r = 1; r <= height; r++) {
          const want = r > 1 && wanted(r);
          if (want && !highlighted(wb, r)) fixes.push({ row: r, fill: true });
          else if (!want && filled(wb, r)) fixes.push({ row: r, fill: false });
        }
        if (fixes.length === 0) return submit(`Exactly the rows that are Overdue with an Amount over ${threshold} are yellow; submitting.`);
        const run = [fixes[0]!];
        if (strategy === 'grouped-ranges') {
          for (const f of fixes.slice(1)) if (f.fill === run[0]!.fill && f.row === run[run.length - 1]!.row + 1) run.push(f);
        }
        return fillMove(wb, run, threshold);
      },
      distractors: [
        call('set_format', { range: 'Invoices!A2:D2', fill_color: '#FFFF00' }),
        call('set_format', { range: 'Invoices!A1:D1', bold: true }),
        call('read_range', { range: `Invoices!${table}` }),
      ],
    };
  },
};

/**
 * The rows a strategy fills: the rule's (Overdue and over the amount), one condition of it
 * (`relax:status`, `relax:amount`), or a fixed choice (`guess:first-row`, `guess:all-rows`, a fixed
 * amount in `guess:overdue-over-300`).
 */
function wantedRows(strategy: string, is: { overdue(r: number): boolean; over(r: number): boolean; amount(r: number): number }): (r: number) => boolean {
  switch (strategy) {
    case 'relax:status':
      return is.over;
    case 'relax:amount':
      return is.overdue;
    case 'guess:first-row':
      return (r) => r === 2;
    case 'guess:all-rows':
      return () => true;
    case 'guess:overdue-over-300':
      return (r) => is.overdue(r) && is.amount(r) > 300;
    default:
      return (r) => is.overdue(r) && is.over(r);
  }
}

/** Fills (or clears) a run of adjacent rows, saying from their shown values why. */
function fillMove(wb: Workbook, run: { row: number; fill: boolean }[], threshold: number): ExpertStep {
  const top = run[0]!.row;
  const bottom = run[run.length - 1]!.row;
  const range = `A${top}:D${bottom}`;
  const fill = run[0]!.fill;
  const lines = run.map((f) => rowLine(wb, 'Invoices', f.row, COLUMNS));
  const which = run.map((f) => `row ${f.row} (${String(get(wb, `Invoices!D${f.row}`) ?? '')}, ${String(get(wb, `Invoices!C${f.row}`) ?? '')})`).join(', ');
  const text = fill
    ? `${which} ${run.length > 1 ? 'are' : 'is'} Overdue with an Amount over ${threshold} and not yet yellow; filling ${range} with #FFFF00.`
    : `${which} ${run.length > 1 ? 'do' : 'does'} not match the rule (Overdue and over ${threshold}) but ${run.length > 1 ? 'have' : 'has'} a fill; clearing it.`;
  return move('set_format', { range: `Invoices!${range}`, fill_color: fill ? '#FFFF00' : 'none' }, text, [
    refDerivation(
      'Invoices',
      range,
      lines,
      fill ? `the rows whose Status is Overdue and Amount is over ${threshold}` : 'filled rows that do not match the rule',
    ),
  ]);
}

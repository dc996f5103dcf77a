import type { ExpertStep } from '@workgym/protocol/kit';
import { cellKey } from '../engine/sheet.js';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { move, readIfUnseen, refDerivation, rowLine, submit } from './expert-kit.js';
import { call, FIRST, get, LAST, num } from './helpers.js';
import type { FamilyDef } from './task.js';

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
  nearMisses: ['rewrite-and-fill-all', 'ignore-amount'],
  generate(rng) {
    const n = rng.int(10, 16);
    const threshold = rng.pick([200, 250, 300, 400]);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++)
      rows.push([`INV-${5000 + i}`, `${rng.pick(FIRST)} ${rng.pick(LAST)}`, rng.int(50, 900), rng.pick(['Paid', 'Open', 'Overdue', 'Overdue'])]);
    // At least one row matches the rule, and at least one overdue row is at or below the amount.
    const match = rng.int(0, n - 1);
    rows[match] = [`INV-${5000 + n}`, `${rng.pick(FIRST)} ${rng.pick(LAST)}`, threshold + rng.int(1, 300), 'Overdue'];
    const decoy = rng.pick([...Array(n).keys()].filter((i) => i !== match));
    rows[decoy] = [rows[decoy]![0]!, rows[decoy]![1]!, rng.int(50, threshold), 'Overdue'];
    const last = n + 1;
    const table = `A1:D${last}`;
    const rule = (wb: Workbook, r: number) => get(wb, `Invoices!D${r}`) === 'Overdue' && num(get(wb, `Invoices!C${r}`)) > threshold;
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
        `than ${threshold} a yellow fill (#FFFF00) across columns A to D. Leave other rows unfilled. Then submit.`,
      sheets: [{ name: 'Invoices', rows: [['Invoice', 'Customer', 'Amount', 'Status'], ...rows] }],
      focus: 'Invoices',
      // The rows to fill come from the task's own copy of the invoices: a filled row counts when
      // its content is one of those rows; any other filled row costs one.
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
        return {
          score: Math.max(0, found.size - wrong) / targets.size,
          detail: `${found.size} of ${targets.size} matching rows filled, ${wrong} other rows filled`,
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
        const wanted = (r: number) => (strategy === 'ignore-amount' ? get(wb, `Invoices!D${r}`) === 'Overdue' : rule(wb, r));
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
        call('sort', { range: `Invoices!A2:D${last}`, keys: [{ column: 'D' }] }),
        call('read_range', { range: `Invoices!${table}` }),
      ],
    };
  },
};

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

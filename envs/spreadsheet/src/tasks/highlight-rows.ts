import type { Value } from '../engine/values.js';
import { call, FIRST, get, LAST, mixCandidates, num } from './helpers.js';
import type { FamilyDef } from './task.js';
import type { Workbook } from '../engine/workbook.js';
import { cellKey } from '../engine/sheet.js';

const YELLOW = 'FFFF00';

function highlighted(wb: Workbook, row: number): boolean {
  const sheet = wb.sheet('Invoices');
  if (!sheet) return false;
  for (let c = 1; c <= 4; c++) if (sheet.cells.get(cellKey(row, c))?.format?.fill !== YELLOW) return false;
  return true;
}

/** Highlighting rows by a rule: fill the rows that match a condition. */
export const highlightRows: FamilyDef = {
  name: 'highlight-rows',
  difficulty: 'easy',
  description: 'Give a yellow fill to the invoice rows that are overdue and above an amount.',
  generate(rng) {
    const n = rng.int(10, 16);
    const threshold = rng.pick([200, 250, 300, 400]);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([`INV-${5000 + i}`, `${rng.pick(FIRST)} ${rng.pick(LAST)}`, rng.int(50, 900), rng.pick(['Paid', 'Open', 'Overdue', 'Overdue'])]);
    // At least one row matches the rule.
    rows[rng.int(0, n - 1)] = [`INV-${5000 + n}`, `${rng.pick(FIRST)} ${rng.pick(LAST)}`, threshold + rng.int(1, 300), 'Overdue'];
    const last = n + 1;
    const matches = (wb: Workbook, r: number) => get(wb, `Invoices!D${r}`) === 'Overdue' && num(get(wb, `Invoices!C${r}`)) > threshold;
    const targets = rows.map((_, i) => i + 2).filter((r) => rows[r - 2]![3] === 'Overdue' && (rows[r - 2]![2] as number) > threshold);
    return {
      instruction:
        `On sheet Invoices (A1:D${last}: Invoice, Customer, Amount, Status), give every row whose Status is "Overdue" and whose Amount is greater ` +
        `than ${threshold} a yellow fill (#FFFF00) across columns A to D. Leave other rows unfilled. Then submit.`,
      sheets: [{ name: 'Invoices', rows: [['Invoice', 'Customer', 'Amount', 'Status'], ...rows] }],
      focus: 'Invoices',
      formats: (wb) => {
        let tp = 0;
        let fp = 0;
        for (let r = 2; r <= last; r++) {
          if (!highlighted(wb, r)) continue;
          if (matches(wb, r)) tp += 1;
          else fp += 1;
        }
        return { score: Math.max(0, tp - fp) / targets.length, detail: `${tp} of ${targets.length} matching rows filled, ${fp} other rows filled` };
      },
      expert: [...targets.map((r) => call('set_format', { range: `Invoices!A${r}:D${r}`, fill_color: '#FFFF00' })), call('submit')],
      candidates: mixCandidates(
        rng,
        targets.map((r) => call('set_format', { range: `Invoices!A${r}:D${r}`, fill_color: '#FFFF00' })),
        [call('set_format', { range: 'Invoices!A2:D2', fill_color: '#FFFF00' }), call('sort', { range: `Invoices!A2:D${last}`, keys: [{ column: 'D' }] }), call('read_range', { range: `Invoices!A1:D${last}` })],
      ),
    };
  },
};

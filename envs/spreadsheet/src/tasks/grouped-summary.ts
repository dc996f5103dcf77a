import type { Value } from '../engine/values.js';
import { bump, call, FIRST, get, mixCandidates, num, REGIONS } from './helpers.js';
import type { FamilyDef } from './task.js';

/** Grouped aggregates: a per-region summary of a sales log with SUMIFS/COUNTIFS/AVERAGEIFS. */
export const groupedSummary: FamilyDef = {
  name: 'grouped-summary',
  difficulty: 'medium',
  description: 'Fill a per-region summary (total, count, average) of a sales log with conditional aggregate formulas.',
  generate(rng) {
    const regions = rng.sample(REGIONS, rng.int(3, 4));
    const n = rng.int(14, 22);
    const sales: Value[][] = [];
    for (let i = 0; i < n; i++) sales.push([regions[i % regions.length]!, rng.pick(FIRST), rng.int(20, 900)]);
    const shuffled = rng.shuffle(sales);
    const last = n + 1;
    const k = regions.length + 1;
    const summary: Value[][] = [['Region', 'Total', 'Orders', 'Average'], ...regions.map((r) => [r, null, null, null])];
    const cells = regions.flatMap((_, i) => ['B', 'C', 'D'].map((c) => `Summary!${c}${i + 2}`));
    const f = {
      B: `=SUMIFS(Sales!$C$2:$C$${last},Sales!$A$2:$A$${last},A2)`,
      C: `=COUNTIFS(Sales!$A$2:$A$${last},A2)`,
      D: '=B2/C2',
    };
    return {
      instruction:
        `Sheet Sales (A1:C${last}: Region, Rep, Amount) is a sales log. On sheet Summary, for each region in A2:A${k}, fill B (Total amount), ` +
        `C (number of orders) and D (average amount per order) with formulas over the Sales sheet (for example SUMIFS and COUNTIFS), so the summary ` +
        'follows when sales change. Then submit.',
      sheets: [
        { name: 'Sales', rows: [['Region', 'Rep', 'Amount'], ...shuffled] },
        { name: 'Summary', rows: summary },
      ],
      focus: 'Summary',
      expected: (wb) => {
        const out: Record<string, Value> = {};
        for (let i = 2; i <= k; i++) {
          const region = get(wb, `Summary!A${i}`);
          let total = 0;
          let count = 0;
          for (let r = 2; r <= last; r++) {
            if (get(wb, `Sales!A${r}`) !== region) continue;
            total += num(get(wb, `Sales!C${r}`));
            count += 1;
          }
          out[`Summary!B${i}`] = total;
          out[`Summary!C${i}`] = count;
          out[`Summary!D${i}`] = count === 0 ? { error: '#DIV/0!' } : total / count;
        }
        return out;
      },
      formulas: { cells, perturb: (wb, r) => bump(wb, r, 'Sales', 'C', [2, last], 1, 50) },
      expert: [
        call('write_cells', { range: 'Summary!B2', values: [[f.B, f.C, f.D]] }),
        call('fill', { source: 'Summary!B2', target: `Summary!B3:B${k}` }),
        call('fill', { source: 'Summary!C2', target: `Summary!C3:C${k}` }),
        call('fill', { source: 'Summary!D2', target: `Summary!D3:D${k}` }),
        call('submit'),
      ],
      candidates: mixCandidates(
        rng,
        [call('write_cells', { range: 'Summary!B2', values: [[f.B, f.C, f.D]] }), call('fill', { source: 'Summary!B2', target: `Summary!B3:B${k}` })],
        [call('read_range', { range: `Sales!A1:C${last}` }), call('set_formula', { cell: 'Summary!B2', formula: `=SUM(Sales!C2:C${last})` }), call('set_formula', { cell: 'Summary!C2', formula: `=COUNT(Sales!C2:C${last})` })],
      ),
    };
  },
};

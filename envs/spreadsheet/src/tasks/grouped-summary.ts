import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { rowLine } from './expert-kit.js';
import { bump, call, FIRST, get, num, relabel, REGIONS, setValues } from './helpers.js';
import { constantFormulas, formulaColumnExpert } from './shapes/formula-column.js';
import { sheetComponents, type FamilyDef } from './task.js';

/** Grouped aggregates: a per-region summary of a sales log with SUMIFS/COUNTIFS/AVERAGEIFS. */
export const groupedSummary: FamilyDef = {
  name: 'grouped-summary',
  difficulty: 'medium',
  description: 'Fill a per-region summary (total, count, average) of a sales log with conditional aggregate formulas.',
  strategies: ['sumifs-fill', 'sumif-block'],
  nearMisses: ['constant-formulas'],
  conditions: ['region'],
  guesses: ['whole-log', 'first-row-region'],
  components: sheetComponents('formulas', 'values'),
  collateral: true,
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
    const amounts = `Sales!$C$2:$C$${last}`;
    const labels = `Sales!$A$2:$A$${last}`;
    const expected = (wb: Workbook) => {
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
    };
    const sumifs = {
      B: (r: number) => `=SUMIFS(${amounts},${labels},A${r})`,
      C: (r: number) => `=COUNTIFS(${labels},A${r})`,
      D: (r: number) => `=B${r}/C${r}`,
    };
    // The region condition dropped: every row sums, counts and averages the whole log.
    const wholeLog = {
      B: () => `=SUM(${amounts})`,
      C: () => `=COUNT(${amounts})`,
      D: (r: number) => `=B${r}/C${r}`,
    };
    // Every row matched on the first summary row's region.
    const firstRegion = {
      B: () => `=SUMIFS(${amounts},${labels},$A$2)`,
      C: () => `=COUNTIFS(${labels},$A$2)`,
      D: (r: number) => `=B${r}/C${r}`,
    };
    const careless: Record<string, typeof sumifs> = { 'relax:region': wholeLog, 'guess:whole-log': wholeLog, 'guess:first-row-region': firstRegion };
    const sumif = {
      B: (r: number) => `=SUMIF(${labels},A${r},${amounts})`,
      C: (r: number) => `=COUNTIF(${labels},A${r})`,
      D: (r: number) => `=AVERAGEIF(${labels},A${r},${amounts})`,
    };
    return {
      instruction:
        `Sheet Sales (A1:C${last}: Region, Rep, Amount) is a sales log. On sheet Summary, for each region in A2:A${k}, fill B (Total amount), ` +
        `C (number of orders) and D (average amount per order) with formulas over the Sales sheet (for example SUMIFS and COUNTIFS), so the summary ` +
        'follows when sales change. Change no other cell. Then submit.',
      sheets: [
        { name: 'Sales', rows: [['Region', 'Rep', 'Amount'], ...shuffled] },
        { name: 'Summary', rows: summary },
      ],
      focus: 'Summary',
      expected,
      // All or nothing, so that a summary of the whole log earns nothing for the rows it happens to match.
      valueMode: 'all',
      formulas: {
        cells,
        inputs: [`Sales!A2:A${last}`, `Sales!C2:C${last}`, `Summary!A2:A${k}`],
        perturb: (wb, r) => {
          bump(wb, r, 'Sales', 'C', [2, last], 1, 50);
          relabel(wb, r, 'Sales', 'A', [2, last]);
          // The summary's own labels move too: a formula must read its row's region, not name it.
          const shift = r.int(1, k - 2);
          const names = [...Array(k - 1).keys()].map((i) => get(wb, `Summary!A${i + 2}`));
          setValues(wb, Object.fromEntries(names.map((_, i) => [`Summary!A${i + 2}`, names[(i + shift) % names.length]!])));
        },
      },
      expert: formulaColumnExpert({
        reads: [
          { sheet: 'Summary', range: `A1:A${k}`, sources: [`A2:A${k}`], why: 'I need the region labels of the summary; reading them.' },
          {
            sheet: 'Sales',
            range: `A1:C${last}`,
            why: `The summary is built over sheet Sales, which I have not seen yet; reading its log (A1:C${last}) to check where the regions and amounts are.`,
          },
        ],
        block: ({ wb, strategy }) => {
          const formulas = careless[strategy] ?? (strategy === 'sumif-block' ? sumif : sumifs);
          const right = careless[strategy] ? () => [] : undefined;
          return {
            sheet: 'Summary',
            top: 2,
            bottom: k,
            columns: [
              { col: 'B', label: 'Total amount', formula: formulas.B, alternatives: right ?? ((r) => [sumifs.B(r), sumif.B(r)]) },
              { col: 'C', label: 'number of orders', formula: formulas.C, alternatives: right ?? ((r) => [sumifs.C(r), sumif.C(r)]) },
              { col: 'D', label: 'average amount', formula: formulas.D, alternatives: right ?? ((r) => [sumifs.D(r), sumif.D(r)]) },
            ],
            sources: [rowLine(wb, 'Sales', 1, 3), rowLine(wb, 'Sales', last, 3), rowLine(wb, 'Summary', 1, 4), 'SUMIFS and COUNTIFS'],
            how: `the Amounts (Sales column C, rows 2-${last}) and the count of rows whose Region (Sales column A) equals the region in column A of the summary row; average = total / count`,
            rangeSources: [`A2:A${k}`],
          };
        },
        expected,
        blockStrategies: ['sumif-block'],
        typed: { 'constant-formulas': constantFormulas('Each summary cell as a formula holding its number.') },
        wrongFormulas: Object.keys(careless),
        done: "Every region's Total, Orders and Average are formulas over Sales and match its rows; submitting.",
      }),
      distractors: [
        call('read_range', { range: `Sales!A1:C${last}` }),
        call('set_formula', { cell: 'Summary!B2', formula: `=SUM(Sales!C2:C${last})` }),
        call('set_formula', { cell: 'Summary!C2', formula: `=COUNT(Sales!C2:C${last})` }),
      ],
    };
  },
};

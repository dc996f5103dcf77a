import type { ExpertStep } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import { showValue } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { cellAt, derive, move, normalFormula, readIfUnseen, refDerivation, rowLine } from './expert-kit.js';
import { call, FIRST, get, num, REGIONS } from './helpers.js';
import type { ExpertView, FamilyDef } from './task.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'];

/** Answering a question from the data: read, aggregate, answer. */
export const answerQuestion: FamilyDef = {
  name: 'answer-question',
  difficulty: 'medium',
  description: 'Answer a question about a sales table (a conditional total, or who sold the most) with the answer tool.',
  strategies: ['scan', 'scratch-formula'],
  nearMisses: ['list-all'],
  generate(rng) {
    const reps = rng.sample(FIRST, 5);
    const regions = rng.sample(REGIONS, 3);
    const n = rng.int(15, 25);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([rng.pick(MONTHS), rng.pick(regions), rng.pick(reps), rng.int(1, 40), rng.int(10, 999)]);
    let question: string;
    let accept: string[];
    let numeric: number | undefined;
    let total: { region: string; month: string } | undefined;
    if (rng.next() < 0.5) {
      const region = rng.pick(regions);
      const month = rng.pick(rows.filter((r) => r[1] === region))[0] as string;
      // The region also sells in another month, so its total over all months is a wrong answer.
      if (rows.every((r) => r[1] !== region || r[0] === month))
        rows.push([rng.pick(MONTHS.filter((m) => m !== month)), region, rng.pick(reps), rng.int(1, 40), rng.int(10, 999)]);
      numeric = rows.filter((r) => r[1] === region && r[0] === month).reduce((s, r) => s + (r[4] as number), 0);
      question = `What is the total Revenue of region ${region} in ${month}? Answer with the number only.`;
      accept = [String(numeric)];
      total = { region, month };
    } else {
      const units = new Map<string, number>();
      for (const r of rows) units.set(r[2] as string, (units.get(r[2] as string) ?? 0) + (r[3] as number));
      const best = [...units.entries()].sort((a, b) => b[1] - a[1]);
      // Keep the question unambiguous: add units to the leader until it is ahead alone.
      if (best.length > 1 && best[0]![1] === best[1]![1]) rows.push([rng.pick(MONTHS), rng.pick(regions), best[0]![0], 5, rng.int(10, 999)]);
      question = 'Which rep sold the most Units in total? Answer with the name only.';
      accept = [best[0]![0]];
    }
    const height = rows.length + 1;
    const table = `A1:E${height}`;
    return {
      instruction: `Sheet Sales (${table}: Month, Region, Rep, Units, Revenue) holds this half-year's sales. ${question} Give it with the answer tool.`,
      sheets: [{ name: 'Sales', rows: [['Month', 'Region', 'Rep', 'Units', 'Revenue'], ...rows] }],
      focus: 'Sales',
      question: { accept, numeric, tolerance: 0.005 },
      expert(view) {
        const read = readIfUnseen(view, 'Sales', `A1:E${height}`, [table], `I need every sale row before answering; reading the whole table (${table}).`);
        if (read) return read;
        if (view.strategy === 'list-all') return listAll(view.wb, height, total);
        return total ? totalRevenue(view, height, total) : topRep(view, height);
      },
      distractors: [
        call('sort', { range: `Sales!A2:E${height}`, keys: [{ column: 'E', order: 'desc' }] }),
        call('read_range', { range: `Sales!${table}` }),
        call('answer', { text: '0' }),
      ],
    };
  },
};

/** The data rows as they are now (a sort may have moved them). */
function salesRows(wb: Workbook, height: number): { row: number; month: string; region: string; rep: string; units: number; revenue: number }[] {
  const out = [];
  for (let r = 2; r <= height; r++) {
    const v = (c: string) => get(wb, `Sales!${c}${r}`);
    out.push({ row: r, month: String(v('A')), region: String(v('B')), rep: String(v('C')), units: num(v('D')), revenue: num(v('E')) });
  }
  return out;
}

/** Where a scratch formula goes: the first column right of the table. */
const SCRATCH = 'G';

function totalRevenue(view: ExpertView, height: number, q: { region: string; month: string }): ExpertStep {
  const { wb } = view;
  const matching = salesRows(wb, height).filter((s) => s.region === q.region && s.month === q.month);
  const sum = matching.reduce((s, r) => s + r.revenue, 0);
  if (view.strategy === 'scratch-formula') {
    const formula = `=SUMIFS(E2:E${height},B2:B${height},"${q.region}",A2:A${height},"${q.month}")`;
    const cell = cellAt(wb, `Sales!${SCRATCH}1`);
    if (normalFormula(cell?.formula) !== normalFormula(formula)) {
      return move(
        'set_formula',
        { cell: `Sales!${SCRATCH}1`, formula },
        `Rather than add by hand, I let a SUMIFS in a spare cell (${SCRATCH}1, right of the table) total the Revenue of rows with Region ${q.region} and Month ${q.month}.`,
        [
          refDerivation('Sales', `${SCRATCH}1`, [rowLine(wb, 'Sales', 1, 5)], 'the first empty column right of the table'),
          derive(
            formula,
            [rowLine(wb, 'Sales', 1, 5), `A1:E${height}`, q.region, q.month],
            'Revenue (E) summed over rows whose Region (B) and Month (A) match the question',
          ),
        ],
      );
    }
    const shown = showValue(cell!.value);
    return move('answer', { text: shown }, `The SUMIFS in ${SCRATCH}1 shows ${shown}: the total Revenue of region ${q.region} in ${q.month}.`);
  }
  const text = String(sum);
  return move('answer', { text }, `Rows ${matching.map((m) => m.row).join(', ')} are region ${q.region} in ${q.month}; their Revenue adds up to ${text}.`, [
    derive(
      text,
      matching.map((m) => rowLine(wb, 'Sales', m.row, 5)),
      `sum of the Revenue of the rows with Region ${q.region} and Month ${q.month}`,
    ),
  ]);
}

function topRep(view: ExpertView, height: number): ExpertStep {
  const { wb } = view;
  const rows = salesRows(wb, height);
  const reps = [...new Set(rows.map((r) => r.rep))].sort();
  if (view.strategy === 'scratch-formula') {
    const values = reps.map((rep, i) => [rep, `=SUMIF(C2:C${height},${SCRATCH}${i + 1},D2:D${height})`]);
    const range = `${SCRATCH}1:H${reps.length}`;
    const written = values.every(
      (v, i) => get(wb, `Sales!${SCRATCH}${i + 1}`) === v[0] && normalFormula(cellAt(wb, `Sales!H${i + 1}`)?.formula) === normalFormula(v[1]),
    );
    if (!written) {
      return move(
        'write_cells',
        { range: `Sales!${range}`, values },
        `I list each rep (${reps.join(', ')}) in spare columns right of the table with a SUMIF of their Units, so the totals are computed for me.`,
        [
          refDerivation('Sales', range, [rowLine(wb, 'Sales', 1, 5), ...reps], 'one row per rep, in the first empty columns right of the table'),
          ...values.map((v, i) =>
            derive(v[1]!, [rowLine(wb, 'Sales', 1, 5), `A1:E${height}`, reps[i]!], `Units (D) summed over the rows whose Rep (C) is ${reps[i]}`),
          ),
        ],
      );
    }
    const totals = reps.map((rep, i) => ({ rep, units: num(get(wb, `Sales!H${i + 1}`)) })).sort((a, b) => b.units - a.units);
    const best = totals[0]!;
    return move('answer', { text: best.rep }, `The SUMIF totals show ${totals.map((t) => `${t.rep} ${t.units}`).join(', ')}; ${best.rep} sold the most Units.`);
  }
  const units = new Map<string, number>();
  for (const r of rows) units.set(r.rep, (units.get(r.rep) ?? 0) + r.units);
  const ranked = [...units.entries()].sort((a, b) => b[1] - a[1]);
  const [best, count] = ranked[0]!;
  return move(
    'answer',
    { text: best },
    `Adding Units per rep over all ${rows.length} rows: ${ranked.map(([rep, u]) => `${rep} ${u}`).join(', ')}; ${best} sold the most (${count}).`,
    [
      derive(
        best,
        rows.filter((r) => r.rep === best).map((r) => rowLine(wb, 'Sales', r.row, 5)),
        'the rep with the largest sum of Units',
      ),
    ],
  );
}

/** The list-all near-miss: every possible answer at once. */
function listAll(wb: Workbook, height: number, q: { region: string; month: string } | undefined): ExpertStep {
  const rows = salesRows(wb, height);
  if (!q) return move('answer', { text: [...new Set(rows.map((r) => r.rep))].join(', ') }, 'Naming every rep.');
  const sums = new Map<string, number>();
  for (const r of rows) if (r.region === q.region) sums.set(r.month, (sums.get(r.month) ?? 0) + r.revenue);
  return move('answer', { text: [...sums.values()].join(', ') }, 'Giving every month’s total of the region.');
}

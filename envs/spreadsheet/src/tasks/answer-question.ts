import type { Value } from '../engine/values.js';
import { call, FIRST, mixCandidates, REGIONS } from './helpers.js';
import type { FamilyDef } from './task.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun'];

/** Answering a question from the data: read, aggregate, answer. */
export const answerQuestion: FamilyDef = {
  name: 'answer-question',
  difficulty: 'medium',
  description: 'Answer a question about a sales table (a conditional total, or who sold the most) with the answer tool.',
  generate(rng) {
    const reps = rng.sample(FIRST, 5);
    const regions = rng.sample(REGIONS, 3);
    const n = rng.int(15, 25);
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([rng.pick(MONTHS), rng.pick(regions), rng.pick(reps), rng.int(1, 40), rng.int(10, 999)]);
    let question: string;
    let accept: string[];
    let numeric: number | undefined;
    if (rng.next() < 0.5) {
      const region = rng.pick(regions);
      const month = rng.pick(rows.filter((r) => r[1] === region))[0] as string;
      numeric = rows.filter((r) => r[1] === region && r[0] === month).reduce((s, r) => s + (r[4] as number), 0);
      question = `What is the total Revenue of region ${region} in ${month}? Answer with the number only.`;
      accept = [String(numeric)];
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
    return {
      instruction: `Sheet Sales (A1:E${height}: Month, Region, Rep, Units, Revenue) holds this half-year's sales. ${question} Give it with the answer tool.`,
      sheets: [{ name: 'Sales', rows: [['Month', 'Region', 'Rep', 'Units', 'Revenue'], ...rows] }],
      focus: 'Sales',
      question: { accept, numeric, tolerance: 0.005 },
      expert: [call('read_range', { range: `Sales!A1:E${height}` }), call('answer', { text: accept[0]! })],
      candidates: mixCandidates(
        rng,
        [call('read_range', { range: `Sales!A1:E${height}` }), call('answer', { text: accept[0]! })],
        [call('answer', { text: reps[0]! }), call('answer', { text: '0' }), call('sort', { range: `Sales!A2:E${height}`, keys: [{ column: 'E', order: 'desc' }] })],
      ),
    };
  },
};

import type { Rng } from '@workgym/protocol';
import type { Person } from '@workgym/protocol/kit';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { readIfUnseen, rowLine } from './expert-kit.js';
import { bump, call, FIRST, get, LAST, num, REGIONS } from './helpers.js';
import { formulaColumnExpert, typedValues } from './shapes/formula-column.js';
import { sheetComponents, type FamilyDef, type TaskInstance } from './task.js';

/** The sales manager: the only one who knows the quarter's target. */
export const MANAGER = { id: 'jordan.park', name: 'Jordan Park', role: 'sales manager' } as const;

/** Targets a guess could pick without asking: the drawn target is never one of them. */
const ROUND_TARGETS = [50_000, 60_000];

/** "54,500": how the manager says a figure, and so how the expert finds it in what it heard. */
const spoken = (n: number) => n.toLocaleString('en-US');

/** The variance formula of row `r` against a target figure. */
const varianceFormula = (target: number) => (r: number) => `=C${r}-${target}`;

/** A formula whatever the seed: the variance left as the actual, or against a round target. */
const GUESSES: Record<string, (r: number) => string> = {
  'guess:no-target': (r) => `=C${r}`,
  'guess:round-target': varianceFormula(ROUND_TARGETS[0]!),
};

/**
 * spreadsheet/ask-target (people): a variance column against the quarter's sales target, which
 * no sheet holds. Sheet Plan lists the earlier quarters' targets; the Q3 one was set by the sales
 * manager, who says it when asked (on a third of the seeds first quoting Q2's by mistake, then
 * correcting it). The target differs from Q2's, Q1's and round figures on every seed, so any
 * default fails.
 */
export const askTarget: FamilyDef = {
  name: 'ask-target',
  difficulty: 'medium',
  description: 'Add a Variance column (Actual − the Q3 target per rep) with formulas; only the sales manager knows the target: ask them.',
  strategies: ['fill-down', 'formula-block'],
  nearMisses: ['typed-values', 'reversed'],
  guesses: ['no-target', 'round-target'],
  conditions: ['target'],
  components: sheetComponents('formulas', 'values', 'labels'),
  collateral: true,
  features: ['people'],
  people: (task) => task.people ?? [],
  generate(rng) {
    return targetTask(drawTargets(rng), drawReps(rng), rng.int(0, 2) === 0);
  },
};

/** Q1's, Q2's and Q3's targets per rep: all different, none round, Q3 never a guessable figure. */
export function drawTargets(rng: Rng): { q1: number; q2: number; q3: number } {
  const pool = Array.from({ length: 61 }, (_, i) => 40_000 + i * 500).filter((t) => !ROUND_TARGETS.includes(t));
  const [q1, q2, q3] = rng.sample(pool, 3) as [number, number, number];
  return { q1, q2, q3 };
}

/** 8 to 14 reps with their Q3 actuals, never exactly on a target (a variance of 0 reads the same reversed). */
function drawReps(rng: Rng): Value[][] {
  const names = rng.sample(
    FIRST.flatMap((f) => LAST.map((l) => `${f} ${l}`)),
    rng.int(8, 14),
  );
  return names.map((name) => [name, rng.pick(REGIONS), rng.int(3_000, 9_000) * 10 + 5]);
}

function targetTask(targets: { q1: number; q2: number; q3: number }, reps: Value[][], slip: boolean): TaskInstance {
  const last = reps.length + 1;
  const manager: Person = {
    ...MANAGER,
    tone: 'casual',
    channel: 'message',
    facts: [
      {
        id: 'target',
        about: 'the Q3 sales target per rep',
        asks: ['target*|quota*|goal*'],
        paraphrases: [
          'What is the Q3 sales target per rep?',
          'Which quota should I measure each rep against this quarter?',
          'What goal did you set for each rep for Q3?',
        ],
        answer: `The Q3 target is ${spoken(targets.q3)} per rep.`,
        value: spoken(targets.q3),
        // The slip quotes the figure Plan already shows: the stale target an agent might keep.
        ...(slip ? { slip: `It's ${spoken(targets.q2)} per rep.` } : {}),
      },
    ],
  };
  const expectedWith =
    (target: number) =>
    (wb: Workbook): Record<string, Value> => {
      const out: Record<string, Value> = { 'Sales!D1': 'Variance' };
      for (let r = 2; r <= last; r++) out[`Sales!D${r}`] = num(get(wb, `Sales!C${r}`)) - target;
      return out;
    };
  const rule = 'Actual − the Q3 target per rep';
  /** The formula-column expert for the target it believes (heard, Plan's Q2 one, or none for a guess). */
  const expertWith = (target: number, sources: string[], how: string, formula = varianceFormula(target)) =>
    formulaColumnExpert({
      reads: [{ sheet: 'Sales', range: `A1:C${last}`, why: `I need every rep's Actual before writing the Variance; reading A1:C${last}.` }],
      header: { cell: 'D1', text: 'Variance' },
      block: ({ wb }) => ({
        sheet: 'Sales',
        top: 2,
        bottom: last,
        columns: [{ col: 'D', label: 'Variance', formula }],
        sources: [rowLine(wb, 'Sales', 1, 3), ...sources],
        how,
        rangeSources: [`D2:D${last}`],
      }),
      expected: expectedWith(target),
      blockStrategies: ['formula-block'],
      wrongFormulas: [...Object.keys(GUESSES), 'reversed'],
      typed: { 'typed-values': typedValues('Typing each rep’s variance as a number.') },
      done: `D1 is "Variance" and D2:D${last} all hold the variance formula against the target; submitting.`,
    });
  return {
    instruction:
      `On sheet Sales (A1:C${last}: Rep, Region, Actual), put "Variance" in D1 and in D2:D${last} a formula for each row: ${rule}. ` +
      `Sheet Plan lists the earlier quarters' targets only: ${MANAGER.name} (${MANAGER.id}), the ${MANAGER.role}, set the Q3 one. ` +
      `Change no other cell. Then submit.`,
    sheets: [
      {
        name: 'Sales',
        rows: [['Rep', 'Region', 'Actual'], ...reps],
        formats: [{ range: `C2:C${last}`, format: { numFmt: '#,##0' } }],
      },
      {
        name: 'Plan',
        rows: [
          ['Quarter', 'Target per rep'],
          ['Q1', targets.q1],
          ['Q2', targets.q2],
        ],
      },
    ],
    focus: 'Sales',
    expected: expectedWith(targets.q3),
    labels: ['Sales!D1'],
    valueMode: 'all',
    formulas: {
      cells: Array.from({ length: reps.length }, (_, i) => `Sales!D${i + 2}`),
      inputs: [`Sales!C2:C${last}`],
      perturb: (wb, r) => bump(wb, r, 'Sales', 'C', [2, last], 10, 900),
    },
    people: [manager],
    expert(view) {
      const { strategy } = view;
      const people = view.people!;
      const guess = GUESSES[strategy];
      if (guess) return expertWith(0, [rule], 'the same formula whatever the target', guess)(view);
      const asks = strategy !== 'relax:target';
      if (asks && !people.wasAsked(MANAGER.id, 'target'))
        return people.ask(MANAGER.id, 'target', `No sheet holds the Q3 target and ${MANAGER.name} set it: asking them for it.`);
      const heard = asks ? people.heard(MANAGER.id, 'target') : undefined;
      if (heard === undefined) {
        // Nobody said the target (or the relaxation does without it): Plan's latest figure is the best guess.
        const read = readIfUnseen(view, 'Plan', 'A1:B3', ['Plan'], 'No Q3 target was given; reading Plan for the latest target it lists.');
        if (read) return read;
        const q2 = num(get(view.wb, 'Plan!B3'));
        return expertWith(q2, [rowLine(view.wb, 'Plan', 3, 2)], `Actual (column C) minus Q2's target ${q2}, the latest one Plan shows`)(view);
      }
      const target = Number(heard.replace(/,/g, ''));
      if (strategy === 'reversed') return expertWith(target, [heard], 'the target minus Actual', (r) => `=${target}-C${r}`)(view);
      const step = expertWith(target, [heard, rule], `Actual (column C) minus the Q3 target ${heard} that ${MANAGER.name} gave`)(view);
      return step.call.name === 'submit' ? step : { ...step, text: `${MANAGER.name} said the Q3 target is ${heard} per rep. ${step.text}` };
    },
    distractors: [
      call('read_range', { range: 'Plan!A1:B3' }),
      call('set_formula', { cell: 'Sales!D2', formula: '=C2-Plan!B3' }),
      call('write_cells', { range: 'Sales!D1', values: [['Target']] }),
      call('set_format', { range: `Sales!D2:D${last}`, number_format: '#,##0' }),
    ],
  };
}

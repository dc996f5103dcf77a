import { cellKey } from '../engine/sheet.js';
import type { Value } from '../engine/values.js';
import { dateToSerial, serialToDate } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { move, refDerivation, rowLine, submit } from './expert-kit.js';
import { bump, call, get, num } from './helpers.js';
import { formulaColumnExpert, typedValues } from './shapes/formula-column.js';
import { sheetComponents, type FamilyDef } from './task.js';

const eomonth = (serial: number) => {
  const d = serialToDate(serial);
  return dateToSerial(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
};
const isDateFormat = (fmt: string | undefined) => !!fmt && /[yd]/i.test(fmt.replace(/"[^"]*"/g, ''));

/** Date arithmetic: end dates from durations, month ends, date formats. */
export const dateArithmetic: FamilyDef = {
  name: 'date-arithmetic',
  difficulty: 'medium',
  // data-analyst's unseen family: the formula families train the skills it combines.
  heldOut: true,
  description: 'Compute end dates and invoice dates (last day of the end month) with formulas and format them as dates.',
  strategies: ['fill-down', 'formula-block'],
  nearMisses: ['typed-dates', 'constant-start', 'format-only'],
  // Formulas before values before the format: a date format alone earns nothing.
  components: sheetComponents('formulas', 'values', 'formats'),
  collateral: true,
  guesses: ['thirty-days'],
  generate(rng) {
    const n = rng.int(6, 12);
    const base = dateToSerial(new Date(Date.UTC(2024, rng.int(0, 11), 1)));
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([`Project ${String.fromCharCode(65 + i)}`, base + rng.int(0, 200), rng.int(5, 120)]);
    const last = n + 1;
    const cells = [...Array(n).keys()].flatMap((i) => [`Projects!D${i + 2}`, `Projects!E${i + 2}`]);
    const dated = (wb: Workbook) => {
      const sheet = wb.sheet('Projects');
      let ok = 0;
      for (let r = 2; r <= last; r++) for (const c of [4, 5]) if (isDateFormat(sheet?.cells.get(cellKey(r, c))?.format?.numFmt)) ok += 1;
      return ok;
    };
    const expected = (wb: Workbook) => {
      const out: Record<string, Value> = {};
      for (let r = 2; r <= last; r++) {
        const end = num(get(wb, `Projects!B${r}`)) + num(get(wb, `Projects!C${r}`));
        out[`Projects!D${r}`] = end;
        out[`Projects!E${r}`] = eomonth(end);
      }
      return out;
    };
    const endOfMonth = (r: number) => `=EOMONTH(D${r},0)`;
    const dateOfMonth = (r: number) => `=DATE(YEAR(D${r}),MONTH(D${r})+1,0)`;
    const formatMove = (wb: Workbook) =>
      dated(wb) < 2 * n
        ? move(
            'set_format',
            { range: `Projects!D2:E${last}`, number_format: 'yyyy-mm-dd' },
            `End and Invoice date hold the right formulas but show serial numbers; the task asks for the yyyy-mm-dd format on D2:E${last}.`,
            [refDerivation('Projects', `D2:E${last}`, [`D2:E${last}`], 'the End and Invoice date cells')],
          )
        : undefined;
    const expert = formulaColumnExpert({
      reads: [{ sheet: 'Projects', range: `A1:C${last}`, why: 'I need every project’s Start and Days; reading the table.' }],
      block: ({ wb, strategy }) => ({
        sheet: 'Projects',
        top: 2,
        bottom: last,
        columns: [
          { col: 'D', label: 'End', formula: (r) => `=B${r}+C${r}` },
          {
            col: 'E',
            label: 'Invoice date',
            formula: strategy === 'formula-block' ? dateOfMonth : endOfMonth,
            alternatives: (r) => [endOfMonth(r), dateOfMonth(r)],
          },
        ],
        sources: [rowLine(wb, 'Projects', 1, 5), 'Start + Days', "the last day of the End date's month"],
        how: "End = Start (column B) + Days (C); the invoice date is the last day of the End date's month (EOMONTH(End,0), or DATE(year, month + 1, 0))",
        rangeSources: [`D2:D${last}`, `E2:E${last}`],
      }),
      expected,
      blockStrategies: ['formula-block'],
      typed: {
        'typed-dates': typedValues('Typing each End and Invoice date as a date number.'),
        'constant-start': {
          text: 'Each row’s start typed into its End formula.',
          row: (r, { wb }) => [`=${num(get(wb, `Projects!B${r}`))}+C${r}`, endOfMonth(r)],
        },
        // The same duration for every project, whatever the table says.
        'guess:thirty-days': { text: 'Every project takes thirty days.', row: (r) => [`=B${r}+30`, endOfMonth(r)] },
      },
      finish: ({ wb }) => formatMove(wb),
      done: `End = Start + Days and Invoice date = month end of End are formulas in D2:E${last}, formatted yyyy-mm-dd; submitting.`,
    });
    return {
      instruction:
        `Sheet Projects (A1:C${last}: Project, Start, Days) lists projects with a start date and a duration in calendar days. Fill D2:D${last} ("End") ` +
        `with Start + Days and E2:E${last} ("Invoice date") with the last day of the End date's month, using formulas, and give D2:E${last} the ` +
        'number format yyyy-mm-dd. Change no other cell. Then submit.',
      sheets: [
        {
          name: 'Projects',
          rows: [['Project', 'Start', 'Days', 'End', 'Invoice date'], ...rows],
          formats: [{ range: `B2:B${last}`, format: { numFmt: 'yyyy-mm-dd' } }],
        },
      ],
      focus: 'Projects',
      expected,
      formulas: {
        cells,
        inputs: [`Projects!B2:C${last}`],
        // Start and Days both move, by 32 days or more together, so every end date changes month.
        perturb: (wb, r) => {
          bump(wb, r, 'Projects', 'B', [2, last], 20, 40);
          bump(wb, r, 'Projects', 'C', [2, last], 12, 30);
        },
      },
      formats: (wb) => {
        const ok = dated(wb);
        return { score: ok / (2 * n), detail: `${ok} of ${2 * n} End/Invoice cells have a date format` };
      },
      expert: (view) =>
        view.strategy === 'format-only' ? (formatMove(view.wb) ?? submit('The End and Invoice date cells have the date format.')) : expert(view),
      distractors: [
        call('set_formula', { cell: 'Projects!D2', formula: '=B2+C2-1' }),
        call('set_formula', { cell: 'Projects!E2', formula: '=EDATE(D2,1)' }),
        call('read_range', { range: `Projects!A1:E${last}` }),
      ],
    };
  },
};

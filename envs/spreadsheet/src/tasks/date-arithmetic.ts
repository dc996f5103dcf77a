import type { Value } from '../engine/values.js';
import { serialToDate, dateToSerial } from '../engine/values.js';
import { bump, call, get, mixCandidates, num } from './helpers.js';
import type { FamilyDef } from './task.js';
import { cellKey } from '../engine/sheet.js';

const eomonth = (serial: number) => {
  const d = serialToDate(serial);
  return dateToSerial(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
};
const isDateFormat = (fmt: string | undefined) => !!fmt && /[yd]/i.test(fmt.replace(/"[^"]*"/g, ''));

/** Date arithmetic: end dates from durations, month ends, date formats. */
export const dateArithmetic: FamilyDef = {
  name: 'date-arithmetic',
  difficulty: 'medium',
  description: 'Compute end dates and invoice dates (last day of the end month) with formulas and format them as dates.',
  generate(rng) {
    const n = rng.int(6, 12);
    const base = dateToSerial(new Date(Date.UTC(2024, rng.int(0, 11), 1)));
    const rows: Value[][] = [];
    for (let i = 0; i < n; i++) rows.push([`Project ${String.fromCharCode(65 + i)}`, base + rng.int(0, 200), rng.int(5, 120)]);
    const last = n + 1;
    const cells = [...Array(n).keys()].flatMap((i) => [`Projects!D${i + 2}`, `Projects!E${i + 2}`]);
    return {
      instruction:
        `Sheet Projects (A1:C${last}: Project, Start, Days) lists projects with a start date and a duration in calendar days. Fill D2:D${last} ("End") ` +
        `with Start + Days and E2:E${last} ("Invoice date") with the last day of the End date's month, using formulas, and give D2:E${last} the ` +
        'number format yyyy-mm-dd. Then submit.',
      sheets: [
        {
          name: 'Projects',
          rows: [['Project', 'Start', 'Days', 'End', 'Invoice date'], ...rows],
          formats: [{ range: `B2:B${last}`, format: { numFmt: 'yyyy-mm-dd' } }],
        },
      ],
      focus: 'Projects',
      expected: (wb) => {
        const out: Record<string, Value> = {};
        for (let r = 2; r <= last; r++) {
          const end = num(get(wb, `Projects!B${r}`)) + num(get(wb, `Projects!C${r}`));
          out[`Projects!D${r}`] = end;
          out[`Projects!E${r}`] = eomonth(end);
        }
        return out;
      },
      formulas: { cells, perturb: (wb, r) => bump(wb, r, 'Projects', 'C', [2, last], 3, 40) },
      formats: (wb) => {
        const sheet = wb.sheet('Projects');
        let ok = 0;
        for (let r = 2; r <= last; r++) for (const c of [4, 5]) if (isDateFormat(sheet?.cells.get(cellKey(r, c))?.format?.numFmt)) ok += 1;
        return { score: ok / (2 * n), detail: `${ok} of ${2 * n} End/Invoice cells have a date format` };
      },
      expert: [
        call('write_cells', { range: 'Projects!D2', values: [['=B2+C2', '=EOMONTH(D2,0)']] }),
        call('fill', { source: 'Projects!D2', target: `Projects!D3:D${last}` }),
        call('fill', { source: 'Projects!E2', target: `Projects!E3:E${last}` }),
        call('set_format', { range: `Projects!D2:E${last}`, number_format: 'yyyy-mm-dd' }),
        call('submit'),
      ],
      candidates: mixCandidates(
        rng,
        [call('write_cells', { range: 'Projects!D2', values: [['=B2+C2', '=EOMONTH(D2,0)']] }), call('set_format', { range: `Projects!D2:E${last}`, number_format: 'yyyy-mm-dd' })],
        [call('set_formula', { cell: 'Projects!D2', formula: '=B2+C2-1' }), call('set_formula', { cell: 'Projects!E2', formula: '=EDATE(D2,1)' }), call('read_range', { range: `Projects!A1:E${last}` })],
      ),
    };
  },
};

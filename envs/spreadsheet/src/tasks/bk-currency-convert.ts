import type { Rng } from '@workgym/protocol';
import { drawUntil, type Difficulty } from '@workgym/protocol/kit';
import { columnName } from '../engine/a1.js';
import type { Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { daysIn, serialOf, yearMonth } from './bk-ledger.js';
import { COMPANIES, money } from './bk-names.js';
import { buildWorkbook } from './build-workbook.js';
import { readIfUnseen, rowLine } from './expert-kit.js';
import { bump, call, get, num, round2, setValues } from './helpers.js';
import { reportInfeasible } from './infeasible.js';
import { formulaColumnExpert, typedValues } from './shapes/formula-column.js';
import { sheetComponents, type FamilyDef } from './task.js';

/** Units of each currency one EUR buys, around which the monthly rates wander. */
const CURRENCIES: [string, number][] = [
  ['USD', 1.085],
  ['GBP', 0.857],
  ['CHF', 0.955],
  ['JPY', 161.2],
  ['SEK', 11.42],
  ['PLN', 4.33],
];
/** Per tier: currencies, months of rates, transactions, and transactions already in EUR (a third rule to follow). */
const SIZE: Record<Difficulty, { currencies: number; months: number; rows: [number, number]; euro: number }> = {
  easy: { currencies: 2, months: 3, rows: [8, 10], euro: 0 },
  medium: { currencies: 3, months: 4, rows: [12, 16], euro: 0 },
  hard: { currencies: 4, months: 6, rows: [18, 22], euro: 4 },
};

interface Txn {
  date: number;
  ref: string;
  party: string;
  currency: string;
  cents: number;
}

/** How a conversion reads the rates: the right one, or with the month or the direction dropped (and the guesses). */
interface Reading {
  /** Rate row: the transaction's month (undefined), the latest, or the first. */
  row?: 'latest' | 'first';
  multiply?: boolean;
  unconverted?: boolean;
}

const CARELESS: Record<string, Reading> = {
  'relax:month': { row: 'latest' },
  'relax:direction': { multiply: true },
  'guess:first-month-rate': { row: 'first' },
  'guess:unconverted': { unconverted: true },
};

/** Each transaction's amount in EUR: `rates` by month (first day) and currency. */
function convert(txns: readonly Txn[], months: number[], rates: Map<string, number[]>, how: Reading = {}): number[] {
  return txns.map((t) => {
    const amount = money(t.cents);
    if (t.currency === 'EUR' || how.unconverted) return amount;
    const { year, month } = yearMonth(t.date);
    const row = how.row === 'latest' ? months.length - 1 : how.row === 'first' ? 0 : months.indexOf(serialOf(year, month, 1));
    const rate = rates.get(t.currency)![row]!;
    return round2(how.multiply ? amount * rate : amount / rate);
  });
}

const halfCent = (x: number) => Math.abs(Math.abs((x * 100) % 1) - 0.5) < 1e-6;

/** Currency conversion: every transaction converted to EUR at its month's rate from a Rates sheet, with a lookup formula. */
export const bkCurrencyConvert: FamilyDef = {
  name: 'bk-currency-convert',
  job: 'bookkeeping',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Convert foreign-currency transactions to EUR at the rate of their month from a Rates sheet (one EUR in each currency), with lookup formulas rounded to the cent.',
  strategies: ['index-match', 'vlookup-block'],
  nearMisses: ['typed-values', 'rate-constants', 'act-anyway'],
  components: sheetComponents('formulas', 'values'),
  collateral: true,
  conditions: ['month', 'direction'],
  guesses: ['first-month-rate', 'unconverted'],
  // A needed input missing: on an infeasible seed one transaction is in a currency the Rates
  // sheet has no column for, which only comparing the two sheets shows.
  features: ['infeasible'],
  generate(rng, _task, tier, { infeasible }) {
    const size = SIZE[tier];
    const year = rng.int(2023, 2025);
    const firstMonth = rng.int(1, 13 - size.months);
    const months = Array.from({ length: size.months }, (_, i) => serialOf(year, firstMonth + i, 1));
    const currencies = rng.sample(CURRENCIES, size.currencies);
    const rates = new Map(
      currencies.map(([code, mid]) => {
        let level = mid * (1 + rng.int(-300, 300) / 10_000);
        const digits = mid > 100 ? 2 : 4;
        return [code, months.map(() => Number((level *= 1 + rng.int(-250, 250) / 10_000).toFixed(digits)))] as const;
      }),
    );
    const codes = currencies.map(([code]) => code);
    const parties = rng.sample(COMPANIES, 8);
    const txns = drawUntil(
      rng,
      () => {
        const n = rng.int(...size.rows);
        const list: Txn[] = Array.from({ length: n }, (_, i) => {
          const m = rng.int(0, size.months - 1);
          const { year: y, month } = yearMonth(months[m]!);
          const currency = i < size.euro ? 'EUR' : rng.pick(codes);
          const base = rng.int(2_500, 2_500_000);
          // Yen have no cents in practice: whole yen, a hundred times as many.
          return {
            date: months[m]! + rng.int(0, daysIn(y, month) - 1),
            ref: '',
            party: rng.pick(parties),
            currency,
            cents: currency === 'JPY' ? base * 100 : base,
          };
        });
        return rng
          .shuffle(list)
          .sort((a, b) => a.date - b.date)
          .map((t, i) => ({ ...t, ref: `TX-${7100 + i * 7}` }));
      },
      (list) => {
        const right = convert(list, months, rates);
        return (
          new Set(list.map((t) => t.currency)).size >= Math.min(2, codes.length) &&
          list.every(
            (t) =>
              t.currency === 'EUR' ||
              !halfCent(money(t.cents) / rates.get(t.currency)![months.indexOf(serialOf(yearMonth(t.date).year, yearMonth(t.date).month, 1))]!),
          ) &&
          Object.values(CARELESS).every((how) => convert(list, months, rates, how).join() !== right.join())
        );
      },
    );
    // Drawn after the feasible seeds' draws, so those instances stay as they were.
    const stray = infeasible ? rng.pick(txns.filter((t) => t.currency !== 'EUR')) : undefined;
    if (stray) stray.currency = rng.pick(CURRENCIES.filter(([code]) => !codes.includes(code)))[0];
    const n = txns.length + 1;
    const k = months.length + 1;
    const lastCol = columnName(codes.length + 1);
    const euro = size.euro > 0;
    const table = `Rates!$B$2:$${lastCol}$${k}`;
    const header = `Rates!$B$1:$${lastCol}$1`;
    const monthOf = (r: number) => `EOMONTH(A${r},-1)+1`;
    const wrap = (r: number, conversion: string) => (euro ? `=IF(D${r}="EUR",E${r},${conversion})` : `=${conversion}`);
    const indexMatch = (r: number) => wrap(r, `ROUND(E${r}/INDEX(${table},MATCH(${monthOf(r)},Rates!$A$2:$A$${k},0),MATCH(D${r},${header},0)),2)`);
    const vlookup = (r: number) => wrap(r, `ROUND(E${r}/VLOOKUP(${monthOf(r)},Rates!$A$2:$${lastCol}$${k},MATCH(D${r},${header},0)+1,FALSE),2)`);
    const rowRate = (row: number) => (r: number) => `INDEX(Rates!$B$${row}:$${lastCol}$${row},MATCH(D${r},${header},0))`;
    const wrong: Record<string, (r: number) => string> = {
      'relax:month': (r) => wrap(r, `ROUND(E${r}/${rowRate(k)(r)},2)`),
      'relax:direction': (r) => wrap(r, `ROUND(E${r}*INDEX(${table},MATCH(${monthOf(r)},Rates!$A$2:$A$${k},0),MATCH(D${r},${header},0)),2)`),
      'guess:first-month-rate': (r) => wrap(r, `ROUND(E${r}/${rowRate(2)(r)},2)`),
      'guess:unconverted': (r) => `=E${r}`,
    };
    const expected = (wb: Workbook) => {
      const out: Record<string, Value> = {};
      const heads = new Map<Value, number>();
      for (let c = 2; c <= codes.length + 1; c++) heads.set(get(wb, `Rates!${columnName(c)}1`), c);
      const rows = new Map<number, number>();
      for (let r = 2; r <= k; r++) rows.set(num(get(wb, `Rates!A${r}`)), r);
      for (let r = 2; r <= n; r++) {
        const amount = num(get(wb, `Transactions!E${r}`));
        const currency = get(wb, `Transactions!D${r}`);
        const { year: y, month } = yearMonth(num(get(wb, `Transactions!A${r}`)));
        const rate = num(get(wb, `Rates!${columnName(heads.get(currency) ?? 1)}${rows.get(serialOf(y, month, 1)) ?? 1}`));
        out[`Transactions!F${r}`] = currency === 'EUR' ? amount : round2(amount / rate);
      }
      return out;
    };
    const euroRule = euro ? ' Amounts already in EUR stay as they are.' : '';
    // act-anyway leaves one row unconverted: the one with no rate where there is one, else the last foreign-currency row.
    const unconvertedRow = 2 + (stray ? txns.indexOf(stray) : txns.findLastIndex((t) => t.currency !== 'EUR'));
    const reads = [
      {
        sheet: 'Transactions',
        range: `A1:E${n}`,
        sources: [`A1:F${n}`],
        why: 'I need every transaction’s date, currency and amount; reading Transactions.',
      },
      { sheet: 'Rates', range: `A1:${lastCol}${k}`, why: `The rates are on sheet Rates, which I have not seen; reading its table (A1:${lastCol}${k}).` },
    ];
    const sheets = [
      {
        name: 'Transactions',
        rows: [
          ['Date', 'Ref', 'Counterparty', 'Currency', 'Amount', 'Amount EUR'],
          ...txns.map((t) => [t.date, t.ref, t.party, t.currency, money(t.cents), null]),
        ],
        formats: [
          { range: `A2:A${n}`, format: { numFmt: 'yyyy-mm-dd' } },
          { range: `E2:F${n}`, format: { numFmt: '#,##0.00' } },
        ],
      },
      {
        name: 'Rates',
        rows: [['Month', ...codes], ...months.map((m, i) => [m, ...codes.map((c) => rates.get(c)![i]!)])],
        formats: [{ range: `A2:A${k}`, format: { numFmt: 'yyyy-mm' } }],
      },
    ];
    const solve = formulaColumnExpert({
      reads,
      block: ({ wb, strategy }) => ({
        sheet: 'Transactions',
        top: 2,
        bottom: n,
        columns: [
          {
            col: 'F',
            label: 'Amount EUR',
            formula: wrong[strategy] ?? (strategy === 'vlookup-block' ? vlookup : indexMatch),
            alternatives: (r) => (wrong[strategy] ? [] : [indexMatch(r), vlookup(r)]),
          },
        ],
        sources: [
          rowLine(wb, 'Transactions', 1, 6),
          rowLine(wb, 'Rates', 1, codes.length + 1),
          rowLine(wb, 'Rates', k, codes.length + 1),
          'divided by the rate',
          'ROUND(…,2)',
        ],
        how: `the Amount (E) divided by the rate in the Rates row of the transaction's month (EOMONTH(Date,-1)+1 matched in Rates column A) and the column of its Currency (D, matched in the Rates header), rounded to the cent${euro ? '; an EUR amount as it is' : ''}`,
        rangeSources: [`F2:F${n}`],
      }),
      expected,
      blockStrategies: ['vlookup-block'],
      typed: {
        'typed-values': typedValues('Typing each converted amount in.'),
        'act-anyway': {
          text: `Every row converted by lookup but row ${unconvertedRow}, left in its own currency.`,
          row: (r) => [r === unconvertedRow ? `=E${r}` : indexMatch(r)],
        },
        'rate-constants': {
          text: 'Each row divided by its rate typed into the formula.',
          row: (r, { wb, want }) => {
            const v = want[`Transactions!F${r}`] as number;
            return get(wb, `Transactions!D${r}`) === 'EUR' ? [`=E${r}`] : [`=ROUND(E${r}/${Number((num(get(wb, `Transactions!E${r}`)) / v).toFixed(6))},2)`];
          },
        },
      },
      wrongFormulas: Object.keys(wrong),
      done: 'Every amount is converted to EUR at its own month’s rate, divided and rounded to the cent, by lookup formulas; submitting.',
    });
    let start: Workbook | undefined;
    return {
      instruction:
        `Sheet Transactions (A1:F${n}: Date, Ref, Counterparty, Currency, Amount, Amount EUR) lists payments in several currencies; dates are serial day numbers. ` +
        `Sheet Rates (A1:${lastCol}${k}) holds one row per month (column A: the month's first day) and one column per currency: how many units of that currency one EUR buys that month. ` +
        `Fill Transactions!F2:F${n} with each amount in EUR: the Amount divided by the rate of its currency in its own month's row, rounded to the cent with ROUND(…,2).${euroRule} ` +
        'Use a lookup formula, so the column follows when the rates or the transactions change. Change no other cell. Then submit.',
      sheets,
      focus: 'Transactions',
      expected,
      // All or nothing: a conversion at the latest rate is right for the latest month's rows and still wrong.
      valueMode: 'all',
      formulas: {
        cells: txns.map((_, i) => `Transactions!F${i + 2}`),
        inputs: [`Transactions!A2:A${n}`, `Transactions!D2:E${n}`, `Rates!A1:${lastCol}${k}`],
        perturb: (wb, r) => nextYear(wb, r, { n, k, currencies: codes, euro }),
      },
      expert: (view) => {
        if (!stray || !bkCurrencyConvert.strategies.includes(view.strategy)) return solve(view);
        for (const table of reads) {
          const read = readIfUnseen(view, table.sheet, table.range, table.sources ?? [table.range], table.why);
          if (read) return read;
        }
        const r = unconvertedRow;
        return reportInfeasible(
          view.wb,
          (start ??= buildWorkbook(sheets)),
          `Transaction ${stray.ref} (Transactions row ${r}) is in ${stray.currency}, but sheet Rates has rates only for ${codes.join(', ')}: there is no ${stray.currency} rate to convert it to EUR with.`,
          [rowLine(view.wb, 'Transactions', r, 5), rowLine(view.wb, 'Rates', 1, codes.length + 1)],
          'the Currency of that transaction, which is not among the currency columns of the Rates header',
        );
      },
      distractors: [
        call('read_range', { range: `Rates!A1:${lastCol}${k}` }),
        call('set_formula', { cell: 'Transactions!F2', formula: `=E2*Rates!B${k}` }),
        call('set_format', { range: 'Transactions!A1:F1', bold: true }),
      ],
    };
  },
};

/**
 * The formulas check's inputs a year on: months and dates moved by a year (same day), the
 * currency columns rotated, every rate changed, each transaction given another currency and a
 * larger amount, so every cell the formulas read changes.
 */
function nextYear(wb: Workbook, rng: Rng, { n, k, currencies, euro }: { n: number; k: number; currencies: string[]; euro: boolean }): void {
  const later = (serial: number) => {
    const { year, month } = yearMonth(serial);
    // The same day a year on, 29 February kept in its month.
    return serialOf(year + 1, month, Math.min(daysIn(year + 1, month), 1 + serial - serialOf(year, month, 1)));
  };
  const values: Record<string, Value> = {};
  for (let r = 2; r <= k; r++) {
    values[`Rates!A${r}`] = later(num(get(wb, `Rates!A${r}`)));
    for (let c = 2; c <= currencies.length + 1; c++) {
      const ref = `Rates!${columnName(c)}${r}`;
      values[ref] = Number((num(get(wb, ref)) * (1 + rng.int(5, 25) / 100)).toFixed(4));
    }
  }
  const shift = rng.int(1, currencies.length - 1);
  currencies.forEach((_, i) => (values[`Rates!${columnName(i + 2)}1`] = currencies[(i + shift) % currencies.length]!));
  const pool = euro ? [...currencies, 'EUR'] : currencies;
  for (let r = 2; r <= n; r++) {
    values[`Transactions!A${r}`] = later(num(get(wb, `Transactions!A${r}`)));
    values[`Transactions!D${r}`] = rng.pick(pool.filter((c) => c !== get(wb, `Transactions!D${r}`)));
  }
  setValues(wb, values);
  bump(wb, rng, 'Transactions', 'E', [2, n], 1, 90);
}

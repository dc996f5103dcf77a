import { guessStrategy, relaxStrategy, type Rng } from '@workgym/protocol';
import { replaceOnce } from './function-specs.js';
import { describeOutput, HARD_CODE, scriptPlan } from './expert/script-work.js';
import { shownStdout } from './expert/shell.js';
import { bashLook, readFile, SUBMIT } from './expert/step.js';
import { workExpert } from './expert/work.js';
import type { PlannedCall } from '@workgym/protocol/kit';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PRODUCTS = ['widget', 'gadget', 'sprocket', 'gizmo', 'doohickey', 'flange'];

const HEADER = `import csv
import sys


def main(source, target):
    with open(source, newline='') as f:
        rows = list(csv.DictReader(f))
`;

const FOOTER = `

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
`;

/** The conditions every transformation states: a minimum of units, and two regions. */
const CONDITIONS = ['min-units', 'regions'] as const;
type Condition = (typeof CONDITIONS)[number];

/** The constant attempts: a script that copies its input, and one that writes nothing. */
const GUESSES: Record<string, string> = {
  'copy-input': 'import shutil\nimport sys\n\nshutil.copyfile(sys.argv[1], sys.argv[2])\n',
  'empty-output': "import sys\n\nopen(sys.argv[2], 'w').close()\n",
};

interface Row {
  date: string;
  region: string;
  product: string;
  units: number;
  /** unit_price in cents (the file shows it with two decimals). */
  cents: number;
}

interface Params {
  minUnits: number;
  regions: string[];
}

interface Variant {
  describe(p: Params): string;
  /** The rows kept (`keep`) turned into the output, as the reference script writes it. */
  body: string;
  /** The output lines for the kept rows (the generator's own copy of the rule). */
  output(rows: readonly Row[]): string[];
  /** Plausible mistakes in the script: [from, to]. */
  bugs: [string, string][];
}

const kept = (p: Params) => `using only the rows whose units are at least ${p.minUnits} and whose region is ${p.regions.join(' or ')}`;
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const price = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

const VARIANTS: Variant[] = [
  {
    describe: (p) =>
      `a CSV with header \`product,revenue\` and one row per product, ${kept(p)}: revenue is the sum of units * unit_price over its rows, written with exactly two decimals; ` +
      'rows sorted by revenue (largest first), ties by product name. Prices have at most two decimals: compute in cents to stay exact.',
    body: `    cents = {}
    for row in keep:
        price = round(float(row['unit_price']) * 100)
        cents[row['product']] = cents.get(row['product'], 0) + int(row['units']) * price
    ranked = sorted(cents.items(), key=lambda item: (-item[1], item[0]))
    with open(target, 'w', newline='') as f:
        f.write('product,revenue\\n')
        for product, total in ranked:
            f.write(f'{product},{total // 100}.{total % 100:02d}\\n')`,
    output: (rows) => {
      const cents = new Map<string, number>();
      for (const r of rows) cents.set(r.product, (cents.get(r.product) ?? 0) + r.units * r.cents);
      return ['product,revenue', ...[...cents].sort((a, b) => b[1] - a[1] || byteOrder(a[0], b[0])).map(([product, total]) => `${product},${price(total)}`)];
    },
    bugs: [
      ['(-item[1], item[0])', '(item[1], item[0])'],
      ['{total % 100:02d}', '{total % 100}'],
    ],
  },
  {
    describe: (p) =>
      `the rows ${kept(p)} (same header, columns and text as in the input); ` +
      'sorted by date (oldest first), ties by product name, then by their order in the input.',
    body: `    keep.sort(key=lambda r: (r['date'], r['product']))
    with open(target, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=['date', 'region', 'product', 'units', 'unit_price'], lineterminator='\\n')
        writer.writeheader()
        writer.writerows(keep)`,
    output: (rows) => [
      HEADER_LINE,
      ...[...rows]
        .sort((a, b) => byteOrder(a.date, b.date) || byteOrder(a.product, b.product))
        .map((r) => `${r.date},${r.region},${r.product},${r.units},${price(r.cents)}`),
    ],
    bugs: [["(r['date'], r['product'])", "(r['date'],)"]],
  },
  {
    describe: (p) =>
      `a CSV with header \`month,product,units\`: one row per month (YYYY-MM, from the date) and product, ${kept(p)}, with the total units; sorted by month, then product name.`,
    body: `    totals = {}
    for row in keep:
        key = (row['date'][:7], row['product'])
        totals[key] = totals.get(key, 0) + int(row['units'])
    with open(target, 'w', newline='') as f:
        f.write('month,product,units\\n')
        for (month, product), units in sorted(totals.items()):
            f.write(f'{month},{product},{units}\\n')`,
    output: (rows) => {
      const totals = new Map<string, number>();
      for (const r of rows) totals.set(`${r.date.slice(0, 7)},${r.product}`, (totals.get(`${r.date.slice(0, 7)},${r.product}`) ?? 0) + r.units);
      return ['month,product,units', ...[...totals].sort((a, b) => byteOrder(a[0], b[0])).map(([key, units]) => `${key},${units}`)];
    },
    bugs: [
      ["row['date'][:7]", "row['date'][:4]"],
      ['sorted(totals.items())', 'totals.items()'],
    ],
  },
];

/** The reference script, or its relaxation without the condition `drop`. */
function script(variant: Variant, p: Params, drop?: Condition): string {
  const tests = [
    ...(drop === 'min-units' ? [] : [`int(r['units']) >= ${p.minUnits}`]),
    ...(drop === 'regions' ? [] : [`r['region'] in (${p.regions.map((r) => `'${r}'`).join(', ')})`]),
  ];
  return `${HEADER}    keep = [r for r in rows if ${tests.join(' and ')}]\n${variant.body}${FOOTER}`;
}

function keep(rows: readonly Row[], p: Params, drop?: Condition): Row[] {
  return rows.filter((r) => (drop === 'min-units' || r.units >= p.minUnits) && (drop === 'regions' || p.regions.includes(r.region)));
}

/** Whether a file serves the task: some row is kept, and dropping either condition changes the output. */
function telling(variant: Variant, rows: readonly Row[], p: Params): boolean {
  const output = JSON.stringify(variant.output(keep(rows, p)));
  return keep(rows, p).length > 0 && CONDITIONS.every((c) => JSON.stringify(variant.output(keep(rows, p, c))) !== output);
}

function salesRows(rng: Rng): Row[] {
  return Array.from({ length: rng.int(25, 45) }, () => {
    const date = `2024-${String(rng.int(1, 4)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    const cents = rng.int(1, 80) * 100 + rng.int(0, 99);
    return { date, region: rng.pick(REGIONS), product: rng.pick(PRODUCTS), units: rng.int(1, 30), cents };
  });
}

const salesCsv = (rows: readonly Row[]) =>
  [HEADER_LINE, ...rows.map((r) => `${r.date},${r.region},${r.product},${r.units},${price(r.cents)}`)].join('\n') + '\n';

/** `count` files drawn from salts `first`, `first + 1`, ... that each pass `fit`. */
function fitting(rng: Rng, count: number, first: number, fit: (rows: Row[]) => boolean): Row[][] {
  const files: Row[][] = [];
  for (let salt = first; files.length < count; salt++) {
    const rows = salesRows(rng.fork(salt));
    if (fit(rows)) files.push(rows);
  }
  return files;
}

const HEADER_LINE = 'date,region,product,units,unit_price';
const SCRIPT = 'transform.py';
const DATA = 'data/sales.csv';
const USAGE = 'python3 transform.py INPUT OUTPUT';

function generate(rng: Rng): TaskInstance {
  const params: Params = { minUnits: rng.int(5, 20), regions: rng.sample(REGIONS, 2).sort() };
  const variant = rng.pick(VARIANTS);
  const fit = (rows: Row[]) => telling(variant, rows, params);
  const [visibleRows] = fitting(rng, 1, 1, fit);
  const visible = salesCsv(visibleRows!);
  const shown = JSON.stringify(variant.output(keep(visibleRows!, params)));
  // Hidden files whose outputs differ from the visible one's: printing it passes none of them.
  const hidden = fitting(rng, 3, 101, (rows) => fit(rows) && JSON.stringify(variant.output(keep(rows, params))) !== shown).map(salesCsv);
  const reference = script(variant, params);
  const describe = variant.describe(params);
  const run = bashLook(
    `python3 ${SCRIPT} ${DATA} /tmp/out.csv && cat /tmp/out.csv`,
    [USAGE, DATA],
    'the usage line of the task applied to the visible file',
    `${SCRIPT} is written: run it on ${DATA} and look at what it wrote.`,
  );
  const mutants = variant.bugs.flatMap(([from, to]) => replaceOnce(reference, from, to) ?? []);
  const candidates: PlannedCall[] = [
    readFile(DATA),
    { name: 'bash', arguments: { command: `head -n 5 ${DATA}` } },
    ...rng.shuffle([reference, ...mutants]).map((content) => ({ name: 'write_file', arguments: { path: SCRIPT, content } })),
    run.call,
    SUBMIT,
  ];
  return {
    instruction:
      'data/sales.csv holds sales rows with the columns date (YYYY-MM-DD), region, product, units (an integer) and unit_price (a decimal). ' +
      `Write a Python script transform.py such that \`${USAGE}\` reads a CSV like that from INPUT and writes to OUTPUT ${describe} ` +
      'Use \\n line endings. The hidden check runs your script on other files of the same format and compares OUTPUT exactly. Call submit when you are done.',
    files: { [DATA]: visible },
    check: {
      kind: 'runs',
      reference: { [SCRIPT]: reference },
      suite: {
        kind: 'script',
        command: 'python3 transform.py .case/input.csv .case/output.csv',
        inputPath: '.case/input.csv',
        outputPath: '.case/output.csv',
        inputs: hidden,
      },
    },
    expert: workExpert(
      scriptPlan({
        path: SCRIPT,
        content: reference,
        sources: [describe, HEADER_LINE],
        how: 'the transformation the task describes, over the columns of the header',
        whyWrite: `${DATA} has the header ${HEADER_LINE}. Write ${SCRIPT} to read INPUT with csv.DictReader and write to OUTPUT ${describe}`,
        files: { [DATA]: visible },
        look: (style) => [
          style === 'tools'
            ? { call: readFile(DATA), why: `Look at ${DATA} first: its header and a few rows show the format.` }
            : bashLook(
                `head -n 5 ${DATA}`,
                [DATA],
                'the first lines of the listed file',
                `Look at the first lines of ${DATA}: the header and a few rows show the format.`,
              ),
        ],
        run,
        whySubmit: (view) => `${SCRIPT} ran on ${DATA} and wrote ${describeOutput(shownStdout(view.output(run.call)))}: submit.`,
        nearMisses: {
          'read-visible-csv': reference.replace('main(sys.argv[1], sys.argv[2])', `main('${DATA}', sys.argv[2])`),
          ...Object.fromEntries(CONDITIONS.map((c) => [relaxStrategy(c), script(variant, params, c)])),
          ...Object.fromEntries(Object.entries(GUESSES).map(([name, content]) => [guessStrategy(name), content])),
        },
        hardCode: (stdout) => `import sys\n\nwith open(sys.argv[2], 'w') as f:\n    f.write(${JSON.stringify(`${stdout}\n`)})\n`,
      }),
    ),
    candidates,
  };
}

/** code/py-csv-transform: write a Python script that transforms a CSV file. */
export const pyCsvTransform: FamilyDef = {
  name: 'py-csv-transform',
  difficulty: 'medium',
  description: 'Write a Python data-wrangling script (aggregate, filter or pivot a CSV); run on hidden inputs.',
  strategies: ['write-file', 'heredoc'],
  nearMisses: [HARD_CODE, 'read-visible-csv'],
  components: RUNS_COMPONENTS,
  collateral: true,
  conditions: CONDITIONS,
  guesses: Object.keys(GUESSES),
  generate,
};

import type { Rng } from '@workgym/protocol';
import { replaceOnce } from './function-specs.js';
import { describeOutput, HARD_CODE, scriptPlan } from './expert/script-work.js';
import { shownStdout } from './expert/shell.js';
import { bashLook, readFile, SUBMIT } from './expert/step.js';
import { workExpert } from './expert/work.js';
import type { PlannedCall } from '@workgym/protocol/kit';
import type { FamilyDef, TaskInstance } from './task.js';

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PRODUCTS = ['widget', 'gadget', 'sprocket', 'gizmo', 'doohickey', 'flange'];

interface Variant {
  describe(p: Params): string;
  script(p: Params): string;
  /** Plausible mistakes in the script: [from, to]. */
  bugs(p: Params): [string, string][];
}

interface Params {
  minUnits: number;
  regions: string[];
}

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

const VARIANTS: Variant[] = [
  {
    describe: () =>
      'a CSV with header `region,revenue` and one row per region: revenue is the sum of units * unit_price over its rows, written with exactly two decimals; ' +
      'rows sorted by revenue (largest first), ties by region name. Prices have at most two decimals: compute in cents to stay exact.',
    script: () => `${HEADER}    cents = {}
    for row in rows:
        price = round(float(row['unit_price']) * 100)
        cents[row['region']] = cents.get(row['region'], 0) + int(row['units']) * price
    ranked = sorted(cents.items(), key=lambda item: (-item[1], item[0]))
    with open(target, 'w', newline='') as f:
        f.write('region,revenue\\n')
        for region, total in ranked:
            f.write(f'{region},{total // 100}.{total % 100:02d}\\n')${FOOTER}`,
    bugs: () => [
      ['(-item[1], item[0])', '(item[1], item[0])'],
      ['{total % 100:02d}', '{total % 100}'],
    ],
  },
  {
    describe: (p) =>
      `the rows (same header, columns and text as in the input) whose units are at least ${p.minUnits} and whose region is ${p.regions.join(' or ')}; ` +
      'sorted by date (oldest first), ties by product name, then by their order in the input.',
    script: (p) => `${HEADER}    keep = [r for r in rows if int(r['units']) >= ${p.minUnits} and r['region'] in (${p.regions.map((r) => `'${r}'`).join(', ')})]
    keep.sort(key=lambda r: (r['date'], r['product']))
    with open(target, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=['date', 'region', 'product', 'units', 'unit_price'], lineterminator='\\n')
        writer.writeheader()
        writer.writerows(keep)${FOOTER}`,
    bugs: (p) => [
      [`int(r['units']) >= ${p.minUnits}`, `int(r['units']) > ${p.minUnits}`],
      ["(r['date'], r['product'])", "(r['date'],)"],
    ],
  },
  {
    describe: () =>
      'a CSV with header `month,product,units`: one row per month (YYYY-MM, from the date) and product that has rows, with the total units; sorted by month, then product name.',
    script: () => `${HEADER}    totals = {}
    for row in rows:
        key = (row['date'][:7], row['product'])
        totals[key] = totals.get(key, 0) + int(row['units'])
    with open(target, 'w', newline='') as f:
        f.write('month,product,units\\n')
        for (month, product), units in sorted(totals.items()):
            f.write(f'{month},{product},{units}\\n')${FOOTER}`,
    bugs: () => [
      ["row['date'][:7]", "row['date'][:4]"],
      ['sorted(totals.items())', 'totals.items()'],
    ],
  },
];

function salesCsv(rng: Rng): string {
  const lines = ['date,region,product,units,unit_price'];
  for (let i = 0; i < rng.int(25, 45); i++) {
    const date = `2024-${String(rng.int(1, 4)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    const price = `${rng.int(1, 80)}.${String(rng.int(0, 99)).padStart(2, '0')}`;
    lines.push(`${date},${rng.pick(REGIONS)},${rng.pick(PRODUCTS)},${rng.int(1, 30)},${price}`);
  }
  return lines.join('\n') + '\n';
}

const HEADER_LINE = 'date,region,product,units,unit_price';
const SCRIPT = 'transform.py';
const DATA = 'data/sales.csv';
const USAGE = 'python3 transform.py INPUT OUTPUT';

function generate(rng: Rng): TaskInstance {
  const params: Params = { minUnits: rng.int(5, 20), regions: rng.sample(REGIONS, 2).sort() };
  const variant = rng.pick(VARIANTS);
  const visible = salesCsv(rng.fork(1));
  const script = variant.script(params);
  const describe = variant.describe(params);
  const run = bashLook(
    `python3 ${SCRIPT} ${DATA} /tmp/out.csv && cat /tmp/out.csv`,
    [USAGE, DATA],
    'the usage line of the task applied to the visible file',
    `${SCRIPT} is written: run it on ${DATA} and look at what it wrote.`,
  );
  const mutants = variant.bugs(params).flatMap(([from, to]) => replaceOnce(script, from, to) ?? []);
  const candidates: PlannedCall[] = [
    readFile(DATA),
    { name: 'bash', arguments: { command: `head -n 5 ${DATA}` } },
    ...rng.shuffle([script, ...mutants]).map((content) => ({ name: 'write_file', arguments: { path: SCRIPT, content } })),
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
      reference: { [SCRIPT]: script },
      suite: {
        kind: 'script',
        command: 'python3 transform.py .case/input.csv .case/output.csv',
        inputPath: '.case/input.csv',
        outputPath: '.case/output.csv',
        inputs: [visible, ...[2, 3, 4].map((salt) => salesCsv(rng.fork(salt)))],
      },
    },
    expert: workExpert(
      scriptPlan({
        path: SCRIPT,
        content: script,
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
        nearMisses: { 'read-visible-csv': script.replace('main(sys.argv[1], sys.argv[2])', `main('${DATA}', sys.argv[2])`) },
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
  generate,
};

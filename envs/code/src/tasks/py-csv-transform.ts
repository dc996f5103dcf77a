import type { Rng } from '@workgym/protocol';
import type { FamilyDef, TaskInstance } from './task.js';

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PRODUCTS = ['widget', 'gadget', 'sprocket', 'gizmo', 'doohickey', 'flange'];

interface Variant {
  describe(p: Params): string;
  script(p: Params): string;
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

function generate(rng: Rng): TaskInstance {
  const params: Params = { minUnits: rng.int(5, 20), regions: rng.sample(REGIONS, 2).sort() };
  const variant = rng.pick(VARIANTS);
  const visible = salesCsv(rng.fork(1));
  const script = variant.script(params);
  return {
    instruction:
      'data/sales.csv holds sales rows with the columns date (YYYY-MM-DD), region, product, units (an integer) and unit_price (a decimal). ' +
      `Write a Python script transform.py such that \`python3 transform.py INPUT OUTPUT\` reads a CSV like that from INPUT and writes to OUTPUT ${variant.describe(params)} ` +
      'Use \\n line endings. The hidden check runs your script on other files of the same format and compares OUTPUT exactly. Call submit when you are done.',
    files: { 'data/sales.csv': visible },
    check: {
      kind: 'runs',
      reference: { 'transform.py': script },
      suite: {
        kind: 'script',
        command: 'python3 transform.py .case/input.csv .case/output.csv',
        inputPath: '.case/input.csv',
        outputPath: '.case/output.csv',
        inputs: [visible, ...[2, 3, 4].map((salt) => salesCsv(rng.fork(salt)))],
      },
    },
    expert: { explore: [{ name: 'read_file', arguments: { path: 'data/sales.csv', start_line: 1, end_line: 5 } }] },
  };
}

/** code/py-csv-transform: write a Python script that transforms a CSV file. */
export const pyCsvTransform: FamilyDef = {
  name: 'py-csv-transform',
  difficulty: 'medium',
  description: 'Write a Python data-wrangling script (aggregate, filter or pivot a CSV); run on hidden inputs.',
  candidates: false,
  generate,
};

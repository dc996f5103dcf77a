import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHeatmap } from '../charts/heatmap.js';
import { DIFFERS_BELOW_P, type CellComparison, type CellPart, type CellResult, type TransferCell, type TransferMatrix } from './matrix.js';

export interface TransferFiles {
  markdown: string;
  csv: string;
  png: string;
  json: string;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const points = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(100 * x).toFixed(1)}`;
const pValue = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

/** The cell's success with its Wilson interval. */
function successText(c: CellResult): string {
  return `[${pct(c.success.low)}–${pct(c.success.high)}] n=${c.success.n}`;
}

/** The cell's success, interval and n, and its difference to the untrained row (bold when it differs), as a markdown cell's lines. */
function resultMarkdown(c: CellResult, label = ''): string {
  const success = `${label}${pct(c.success.rate)} ${successText(c)}`;
  if (!c.vsUntrained) return success;
  const difference = differenceText(c.vsUntrained);
  return `${success}<br>${c.vsUntrained.differs ? `**${difference}**` : difference}`;
}

/** A cell's parts, trained families first, each with its name in the CSV's families column ("trained", "held-out"). */
function partsOf(c: TransferCell): [string, CellPart][] {
  return [
    ...(c.trainedFamilies ? [['trained', c.trainedFamilies] as [string, CellPart]] : []),
    ...(c.heldOutFamilies ? [['held-out', c.heldOutFamilies] as [string, CellPart]] : []),
  ];
}

/** The cell against the untrained row: the difference in points, its paired interval, McNemar p, `*` when it differs. */
function differenceText(d: CellComparison): string {
  return `Δ ${points(d.difference)} pts [${points(d.low)}, ${points(d.high)}] p=${pValue(d.mcnemarP)}${d.differs ? ' *' : ''}`;
}

/**
 * What `transfer.json` holds and `workgym transfer --json` prints: the matrix alone (a result's
 * file paths left out); a cell of an env with held-out families also holds `trainedFamilies` and
 * `heldOutFamilies` ({families, success, vsUntrained}).
 */
export function transferJson({ trainSets, testEnvs, cells }: TransferMatrix): string {
  return JSON.stringify({ trainSets, testEnvs, cells, differsBelowP: DIFFERS_BELOW_P }, null, 2);
}

/** Writes the matrix as transfer.md, transfer.csv, transfer.json and transfer.png in `out`. */
export async function writeTransfer(out: string, matrix: TransferMatrix): Promise<TransferFiles> {
  const files = { markdown: join(out, 'transfer.md'), csv: join(out, 'transfer.csv'), png: join(out, 'transfer.png'), json: join(out, 'transfer.json') };
  await writeFile(files.markdown, transferMarkdown(matrix));
  await writeFile(files.csv, transferCsv(matrix));
  await writeFile(files.json, transferJson(matrix) + '\n');
  await writeFile(files.png, transferPng(matrix));
  return files;
}

function cellOf(matrix: TransferMatrix, set: string, env: string): TransferCell {
  return matrix.cells.find((c) => c.trainSet === set && c.testEnv === env)!;
}

export function transferMarkdown(matrix: TransferMatrix): string {
  const table = (cell: (c: TransferCell) => string) => [
    `| train \\ test | ${matrix.testEnvs.join(' | ')} |`,
    `|---|${matrix.testEnvs.map(() => '---').join('|')}|`,
    ...matrix.trainSets.map((s) => `| ${s.name} | ${matrix.testEnvs.map((e) => cell(cellOf(matrix, s.name, e))).join(' | ')} |`),
  ];
  return [
    '# Transfer matrix',
    '',
    "Success on each env's test split (rows: what the policy was trained on; columns: where it was tested), with 95% Wilson intervals. " +
      'Δ: the difference to the untrained row on the same test tasks (env, family, split, seed), in percentage points, with its 95% paired ' +
      `bootstrap interval and the exact McNemar p; **bold** and \`*\`: the cell differs from the untrained row (p < ${DIFFERS_BELOW_P}).`,
    '',
    ...table((c) => resultMarkdown(c)),
    '',
    ...heldOutMarkdown(matrix, table),
  ].join('\n');
}

/** The section of the cells split into trained and held-out families; none when no test env holds a family out. */
function heldOutMarkdown(matrix: TransferMatrix, table: (cell: (c: TransferCell) => string) => string[]): string[] {
  const parts = matrix.cells.flatMap(partsOf);
  if (parts.length === 0) return [];
  const heldOut = [...new Set(parts.filter(([name]) => name === 'held-out').flatMap(([, p]) => p.families))].sort();
  return [
    '## Unseen seeds and unseen families',
    '',
    "Each cell of a test env with held-out families, split: **trained families** are the families training draws from (a set that includes the env was trained on them; the test seeds are unseen), **held-out families** were kept out of every set's training (unseen families). " +
      `Held out: ${heldOut.join(', ')}. Δ as above, over the part's tasks.`,
    '',
    ...table(
      (c) =>
        partsOf(c)
          .map(([name, part]) => resultMarkdown(part, `${name} families: `))
          .join('<br>') || '—',
    ),
    '',
  ];
}

/** One row per cell (families `all`), and one per part of a cell with held-out families (`trained`, `held-out`). */
export function transferCsv(matrix: TransferMatrix): string {
  const head =
    'train_set,train_envs,test_env,families,episodes,successes,success_rate,ci_low,ci_high,pairs,diff_vs_untrained,diff_low,diff_high,mcnemar_p,only_untrained,only_trained,differs';
  const rows = matrix.cells.flatMap((c) => {
    const envs = matrix.trainSets.find((s) => s.name === c.trainSet)!.envs.join(' ');
    const parts: [string, CellResult][] = [['all', c], ...partsOf(c)];
    return parts.map(([families, part]) => csvRow(c.trainSet, envs, c.testEnv, families, part));
  });
  return [head, ...rows].join('\n') + '\n';
}

function csvRow(trainSet: string, envs: string, testEnv: string, families: string, c: CellResult): string {
  const d = c.vsUntrained;
  const paired = d
    ? [d.pairs, d.difference.toFixed(4), d.low.toFixed(4), d.high.toFixed(4), d.mcnemarP.toPrecision(4), d.onlyUntrained, d.onlyTrained, d.differs]
    : ['', '', '', '', '', '', '', ''];
  const success = [c.success.n, c.success.successes, c.success.rate.toFixed(4), c.success.low.toFixed(4), c.success.high.toFixed(4)];
  return [trainSet, envs, testEnv, families, ...success, ...paired].join(',');
}

function transferPng(matrix: TransferMatrix): Buffer {
  const grid = <T>(f: (c: TransferCell) => T) => matrix.trainSets.map((s) => matrix.testEnvs.map((e) => f(cellOf(matrix, s.name, e))));
  return renderHeatmap({
    title: "Transfer: success on each env's test split",
    subtitle: [
      'Each cell: success, its 95% Wilson interval and n; Δ: points against the untrained row on the same tasks,',
      `with the 95% paired interval and exact McNemar p. Framed and *: differs from untrained (p < ${DIFFERS_BELOW_P}).`,
    ],
    rows: matrix.trainSets.map((s) => s.name),
    columns: matrix.testEnvs,
    values: grid((c) => c.success.rate),
    notes: grid((c) => [
      successText(c),
      ...(c.vsUntrained ? [differenceText(c.vsUntrained)] : []),
      ...partsOf(c).map(([label, p]) => `${label} ${pct(p.success.rate)} n=${p.success.n}${p.vsUntrained ? ` Δ ${points(p.vsUntrained.difference)}` : ''}`),
    ]),
    marked: grid((c) => c.vsUntrained?.differs ?? false),
  });
}

/**
 * The spreadsheet env's formula engine and episodes, against baselines measured in the same run.
 *
 *   node --conditions=source --import tsx bench/spreadsheet-env.ts [--quick]
 *
 * - edit latency on a 10,000-cell workbook with formulas: the incremental engine vs a naive full
 *   recalculation (same engine, every formula) vs LibreOffice headless recalculating the file in
 *   the env's container;
 * - formula coverage: fast-formula-parser alone vs with formulajs filling its stubs;
 * - verification time per family (perturbation included);
 * - expert episodes per minute over every family with an EnvPool at parallelism 1, 2, 4.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifest, SpreadsheetEnv } from '@workgym/env-spreadsheet';
import { buildWorkbook, functionTable, WorkbookEditor, writeXlsx, type Value } from '@workgym/env-spreadsheet/engine';
import { DockerRuntime, EnvPool, manifestServerSpec } from '@workgym/runtime';
import { recalcWithLibreOffice } from '../envs/spreadsheet/test/libreoffice.js';
import { expertEpisode } from './lib/expert-episode.js';
import { mean, ms, percentile, printTable, timeEach } from './lib/stats.js';

const quick = process.argv.includes('--quick');
const signal = new AbortController().signal;

// 2,000 rows x 5 columns: two inputs, a product, a running total, a text flag (6,000 formulas).
const ROWS = 2000;
const rows: Value[][] = [['A', 'B', 'Product', 'Running', 'Flag']];
for (let i = 2; i <= ROWS + 1; i++) {
  rows.push([i % 97, (i * 7) % 31, `=A${i}*B${i}`, i === 2 ? '=C2' : `=D${i - 1}+C${i}`, `=IF(C${i}>500,"big","small")`] as unknown as Value[]);
}
const wb = buildWorkbook([{ name: 'Data', rows }]);
const editor = new WorkbookEditor(wb, wb.sheets[0]!);
const edits = quick ? 20 : 60;
// Edits spread over the sheet: an early row dirties most of the running total, a late one little.
const rowOf = (i: number) => 2 + ((i * 613) % ROWS);
const incremental = await timeEach(edits, async (i) => editor.apply('write_cells', { range: `A${rowOf(i)}`, values: [[i]] }));
const full = await timeEach(Math.min(edits, 20), async (i) => {
  wb.sheets[0]!.cells.get((rowOf(i) - 1) * 256)!.value = i + 1;
  wb.calc.recalcAll();
});

const spec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-bench') });
const runtime = new DockerRuntime({ runId: `bench-spreadsheet-${process.pid}` });
const box = await runtime.start(spec);
let libre: number[];
try {
  const file = await writeXlsx(wb, { withResults: false });
  await recalcWithLibreOffice(box.id, new Map([['warm.xlsx', file]]));
  libre = await timeEach(quick ? 2 : 5, async () => recalcWithLibreOffice(box.id, new Map([['bench.xlsx', file]])));
} finally {
  await box.close();
}
printTable(`Edit latency, ${rows.length * 5} cells, ${ROWS * 3} formulas`, [
  ['engine', 'median', 'p90', 'vs incremental'],
  ['incremental (dependency graph)', ms(percentile(incremental, 50)), ms(percentile(incremental, 90)), '1.0x'],
  ['naive full recalculation', ms(percentile(full, 50)), ms(percentile(full, 90)), `${(percentile(full, 50) / percentile(incremental, 50)).toFixed(1)}x`],
  [
    'LibreOffice headless (container, file in/out)',
    ms(percentile(libre, 50)),
    ms(percentile(libre, 90)),
    `${(percentile(libre, 50) / percentile(incremental, 50)).toFixed(0)}x`,
  ],
]);

// Functions analysts reach for; what share each engine evaluates.
const COMMON = (
  'SUM AVERAGE COUNT COUNTA COUNTBLANK MIN MAX MEDIAN ROUND ROUNDUP ROUNDDOWN INT ABS MOD IF IFS IFERROR IFNA AND OR NOT ' +
  'SUMIF SUMIFS COUNTIF COUNTIFS AVERAGEIF AVERAGEIFS MAXIFS MINIFS VLOOKUP HLOOKUP XLOOKUP INDEX MATCH XMATCH LOOKUP CHOOSE ' +
  'LEFT RIGHT MID LEN TRIM UPPER LOWER PROPER SUBSTITUTE REPLACE FIND SEARCH CONCAT CONCATENATE TEXTJOIN TEXT VALUE EXACT REPT ' +
  'DATE YEAR MONTH DAY TODAY NOW EDATE EOMONTH DATEDIF WEEKDAY WEEKNUM NETWORKDAYS WORKDAY DAYS ' +
  'RANK RANK.EQ LARGE SMALL STDEV STDEV.S VAR PERCENTILE QUARTILE SUMPRODUCT PRODUCT POWER SQRT UNIQUE FILTER SORT'
).split(' ');
const table = functionTable();
const builtin = new Set(table.builtin);
const combined = new Set([...table.builtin, ...table.fromFormulajs]);
const all = new Set([...combined, ...table.own]);
printTable('Formula coverage', [
  ['engine', 'functions', `of ${COMMON.length} common ones`],
  ['fast-formula-parser alone', String(builtin.size), `${COMMON.filter((f) => builtin.has(f)).length}`],
  ['+ formulajs for its stubs', String(combined.size), `${COMMON.filter((f) => combined.has(f)).length}`],
  ["+ the engine's own (XLOOKUP, ...)", String(all.size), `${COMMON.filter((f) => all.has(f)).length}`],
]);
console.log(`\nstill missing: ${COMMON.filter((f) => !all.has(f)).join(', ')}`);

// Verification: the expert's final state of every family, verified in process.
const env = new SpreadsheetEnv();
const verifyRows: string[][] = [['family', 'verify (median)']];
const allVerify: number[] = [];
for (const family of env.families()) {
  const session = await env.reset({ family: family.id!, seed: 1, split: 'train', options: {} }, signal);
  for (;;) {
    const {
      calls: [c],
    } = await session.expert!(signal, '');
    if (c!.name === 'submit' || c!.name === 'answer') break;
    await session.step({ id: 'x', name: c!.name!, arguments: JSON.parse(c!.argumentsJson!) as Record<string, unknown> }, signal);
  }
  const samples = await timeEach(quick ? 3 : 10, async () => session.verify(signal));
  allVerify.push(...samples);
  verifyRows.push([family.id!, ms(percentile(samples, 50))]);
}
verifyRows.push(['all (mean)', ms(mean(allVerify))]);
printTable('Verification time', verifyRows);

const families = env.families().map((f) => f.id!);
const episodes = quick ? families.length : families.length * 3;
const throughput: string[][] = [['parallelism', 'episodes', 'wall', 'episodes/min', 'vs parallelism 1']];
let base = 0;
for (const parallelism of [1, 2, 4]) {
  const pool = await EnvPool.create({ runtime, spec, size: parallelism, sessionsPerInstance: 1 });
  try {
    let next = 0;
    let failures = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: parallelism }, async () => {
        for (let i = next++; i < episodes; i = next++) {
          const lease = await pool.acquire();
          try {
            if ((await expertEpisode(lease.client, families[i % families.length]!, 1 + Math.floor(i / families.length))) !== 1) failures += 1;
          } finally {
            await lease.release();
          }
        }
      }),
    );
    const wall = (performance.now() - start) / 1000;
    const perMin = (episodes / wall) * 60;
    if (parallelism === 1) base = perMin;
    throughput.push([
      String(parallelism),
      `${episodes}${failures ? ` (${failures} not solved)` : ''}`,
      `${wall.toFixed(1)} s`,
      perMin.toFixed(0),
      `${(perMin / base).toFixed(2)}x`,
    ]);
  } finally {
    await pool.close();
  }
}
printTable('Expert episodes per minute (EnvPool + DockerRuntime)', throughput);

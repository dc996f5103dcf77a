import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { assertEnvConforms, MAX_ARGUMENT_BYTES } from '@workgym/protocol';
import { SpreadsheetEnv } from '../src/index.js';
import { errorKind, inProcessClient, open, runExpert } from './helpers.js';

const client = inProcessClient();
afterAll(() => client.close());

describe('SpreadsheetEnv in process', () => {
  it('passes the conformance suite on every family, relaxation on seeds 1-20 and the guessing floor on 1-50 included', async () => {
    const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    const report = await assertEnvConforms(client, { seeds: [1, 2], relaxationSeeds: seeds(20), guessSeeds: seeds(50) });
    const families = new SpreadsheetEnv().families();
    expect(report.results.filter((r) => r.check === 'expert solves the task')).toHaveLength(2 * families.length);
    for (const check of ['relaxation', 'guessing floor']) expect(report.results.filter((r) => r.check === check)).toHaveLength(families.length);
    for (const r of report.results)
      if (r.check === 'relaxation' || r.check === 'guessing floor') console.log(`${r.check} ${r.family}: ${r.detail ?? r.skipped}`);
  }, 600_000);

  it('lists at least ten generated families with a job and a difficulty', async () => {
    const { families } = await client.listTasks();
    expect(families.length).toBeGreaterThanOrEqual(11);
    for (const f of families) {
      expect(['data-analyst', 'bookkeeping']).toContain(f.job);
      expect(['easy', 'medium', 'hard']).toContain(f.difficulty);
    }
  });

  it('closes the sessions it opened, generated and SpreadsheetBench ones, when it closes', async () => {
    const signal = new AbortController().signal;
    const env = new SpreadsheetEnv();
    const spec = (family: string) => ({ family, seed: 1, split: 'train', options: {} });
    const sessions = [await env.reset(spec('spreadsheet/computed-column'), signal), await env.reset(spec('spreadsheet/spreadsheetbench'), signal)];
    const listSheets = { id: 'c1', name: 'list_sheets', arguments: {} };
    for (const session of sessions) await expect(session.step(listSheets, signal)).resolves.toBeDefined();
    await env.close();
    for (const session of sessions) await expect(session.step(listSheets, signal)).rejects.toMatchObject({ remoteCode: 'unknown_session' });
  });

  it('gives train and test different instances of the same seed', async () => {
    const train = await client.reset({ family: 'spreadsheet/computed-column', seed: 4, split: 'train' });
    const test = await client.reset({ family: 'spreadsheet/computed-column', seed: 4, split: 'test' });
    expect(train.observation?.text).not.toBe(test.observation?.text);
  });

  it('answers bad input with error observations of the right kind and goes on', async () => {
    const ep = await open(client, 'spreadsheet/computed-column');
    const cases: [string, object, string][] = [
      ['read_range', { range: 'A1:B2:C3' }, 'bad_reference'],
      ['read_range', { range: 'Nope!A1' }, 'unknown_sheet'],
      ['set_formula', { cell: 'E2', formula: '=SUM(B2:' }, 'formula_error'],
      ['set_formula', { cell: 'E2', formula: '=E2+1' }, 'circular_reference'],
      ['write_cells', { range: 'A9999', values: [[1], [2], [3]] }, 'too_large'],
      ['fill', { source: 'A1', target: 'A1:Z1000' }, 'too_large'],
      ['create_sheet', { name: 'Items' }, 'sheet_exists'],
      ['set_format', { range: 'A1', fill_color: 'yellow' }, 'bad_format'],
      ['write_cells', { range: 'A1', values: [['x'.repeat(MAX_ARGUMENT_BYTES)]] }, 'arguments_too_large'],
      ['write_cells', { range: 'A1' }, 'invalid_arguments'],
    ];
    let index = 0;
    for (const [name, args, kind] of cases) {
      const reply = await ep.step(name, args);
      index += 1;
      expect(errorKind(reply), `${name} ${JSON.stringify(args).slice(0, 60)}`).toBe(kind);
      expect(reply.terminated || reply.truncated).toBe(false);
      expect(reply.stepIndex).toBe(index);
      expect(reply.observation?.text).toMatch(new RegExp(`^Error \\(${kind}\\)`));
    }
    const ok = await ep.step('set_formula', { cell: 'E2', formula: '=B2*C2' });
    expect(errorKind(ok)).toBeUndefined();
    await ep.close();
  });

  it('shows the sheet list, the cells the last action changed and candidate actions', async () => {
    const ep = await open(client, 'spreadsheet/computed-column');
    expect(ep.reset.observation?.text).toMatch(/^Sheets: Items \(A1:D\d+\)/);
    expect(ep.reset.observation?.candidates.length).toBeGreaterThan(2);
    const reply = await ep.step('set_formula', { cell: 'E2', formula: '=B2*C2' });
    expect(reply.observation?.text).toMatch(/Items!E2: \(empty\) → =B2\*C2 → \d/);
    expect(reply.observation?.text).toContain('row | A | B | C | D | E');
    await ep.close();
  });

  it('reports formula errors of an edit in its observation', async () => {
    const ep = await open(client, 'spreadsheet/computed-column');
    const reply = await ep.step('set_formula', { cell: 'F2', formula: '=B2/0' });
    expect(reply.observation?.text).toContain('Warning: formula errors: Items!F2 = #DIV/0!');
    await ep.close();
  });

  it('puts the final workbook, with formulas, in the info of the terminating step', async () => {
    const ep = await open(client, 'spreadsheet/cross-sheet-lookup');
    const last = await runExpert(client, ep.session);
    expect(last.verdict?.success).toBe(true);
    const info = JSON.parse(last.infoJson) as { workbookBase64: string };
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(info.workbookBase64, 'base64') as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Orders', 'Products']);
    expect(book.getWorksheet('Orders')!.getCell('E2').formula).toBe('C2*D2');
  });

  it('fails typed-in results on the formulas check, and counts none of their values: the inputs are perturbed and recalculated', async () => {
    for (const [strategy, formulas] of [
      ['fill-down', 1],
      ['typed-values', 0],
    ] as const) {
      const ep = await open(client, 'spreadsheet/computed-column');
      const end = await runExpert(client, ep.session, 60, strategy);
      expect(end.verdict?.components).toMatchObject({ values: formulas, formulas });
      expect(end.verdict?.success).toBe(formulas === 1);
      await ep.close();
    }
  });

  it('refuses a step over the compute budget and rolls it back, while another session on the server goes on', async () => {
    const heavy = await open(client, 'spreadsheet/computed-column', 1);
    const light = await open(client, 'spreadsheet/computed-column', 2);
    await heavy.step('write_cells', { range: 'N10000', values: [[1]] });
    await heavy.step('set_formula', { cell: 'P1', formula: '=SUMPRODUCT($A$1:$N$10000)' });
    const order: string[] = [];
    // A SUMPRODUCT over 140,000 cells filled to 1,000 cells: 140 million cell reads.
    const filled = heavy.step('fill', { source: 'P1', target: 'P2:P1000' }).then((reply) => (order.push('heavy'), reply));
    const other = light.step('set_formula', { cell: 'E2', formula: '=B2*C2' }).then((reply) => (order.push('light'), reply));
    const [heavyReply, lightReply] = await Promise.all([filled, other]);
    expect(order).toEqual(['light', 'heavy']);
    expect(errorKind(lightReply)).toBeUndefined();
    expect(errorKind(heavyReply)).toBe('compute_budget');
    expect(heavyReply.observation?.text).toContain('it was not applied');
    const after = await heavy.step('read_range', { range: 'P1:P3' });
    expect(after.observation?.text).toContain('1 | =SUMPRODUCT($A$1:$N$10000) → ');
    expect(after.observation?.text).toMatch(/\n2 \| \n3 \| $/);
    await Promise.all([heavy.close(), light.close()]);
  });

  it('gives #VALUE! for a formula whose text would exceed the 32,767 characters of a cell, as Excel does', async () => {
    const ep = await open(client, 'spreadsheet/computed-column');
    const reply = await ep.step('set_formula', { cell: 'G1', formula: '=REPT("x",100000)' });
    expect(reply.observation?.text).toContain('Warning: formula errors: Items!G1 = #VALUE!');
    await ep.close();
  });
});

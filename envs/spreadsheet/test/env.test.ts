import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { assertEnvConforms, MAX_ARGUMENT_BYTES } from '@workgym/protocol';
import { SpreadsheetEnv } from '../src/index.js';
import { errorKind, inProcessClient, open, runExpert } from './helpers.js';

const client = inProcessClient();
afterAll(() => client.close());

describe('SpreadsheetEnv in process', () => {
  it('passes the conformance suite on every family', async () => {
    const report = await assertEnvConforms(client, { seeds: [1, 2] });
    expect(report.results.filter((r) => r.check === 'expert solves the task')).toHaveLength(2 * new SpreadsheetEnv().families().length);
  });

  it('lists at least ten generated families with a job and a difficulty', async () => {
    const { families } = await client.listTasks();
    expect(families.length).toBeGreaterThanOrEqual(11);
    for (const f of families) {
      expect(f.job).toBe('data-analyst');
      expect(['easy', 'medium', 'hard']).toContain(f.difficulty);
    }
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

  it('fails typed-in results on the formulas check: the inputs are perturbed and recalculated', async () => {
    const env = new SpreadsheetEnv();
    const task = env.instance('spreadsheet/computed-column', 1);
    const ep = await open(client, 'spreadsheet/computed-column');
    const solved = await env.reset({ family: 'spreadsheet/computed-column', seed: 1, split: 'train', options: {} }, new AbortController().signal);
    for (const c of task.expert.slice(0, -1)) await solved.step({ id: 'x', name: c.name, arguments: c.arguments }, new AbortController().signal);
    const values = (await solved.verify(new AbortController().signal)).components;
    expect(values).toMatchObject({ values: 1, formulas: 1 });
    // Type the same numbers in as constants.
    const rows = (task.sheets[0]!.rows.length - 1);
    const text = (await ep.step('read_range', { range: `E1:E${rows + 1}` })).observation?.text ?? '';
    expect(text).toContain('E1');
    const net = task.expected!(await import('../src/index.js').then((m) => m.buildWorkbook(task.sheets)));
    await ep.step('write_cells', { range: 'E1', values: Object.values(net).map((v) => [v as number | string]) });
    const end = await ep.step('submit');
    expect(end.verdict?.components).toMatchObject({ values: 1, formulas: 0 });
    expect(end.verdict?.reward).toBeLessThan(1);
    expect(end.verdict?.success).toBe(false);
  });
});

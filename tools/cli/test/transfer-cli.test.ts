import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workgym } from './run-cli.js';

interface Cell {
  trainSet: string;
  testEnv: string;
  success: { n: number; successes: number };
  vsUntrained?: { pairs: number; difference: number; low: number; high: number; mcnemarP: number; differs: boolean };
}

describe('workgym transfer', () => {
  it('prints the matrix as JSON on stdout with --json, as transfer.json holds it, the logs on stderr', { timeout: 600_000 }, async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'workgym-cli-transfer-')), 'transfer');
    const args = ['--env', 'spreadsheet', '--family', 'spreadsheet/answer-question', '--train-episodes', '2', '--test-episodes', '3'];
    const { code, stdout, stderr } = await workgym('transfer', ...args, '--runtime', 'local', '--max-steps', '8', '--out', out, '--json');
    expect(code, stderr).toBe(0);
    const matrix = JSON.parse(stdout) as { trainSets: { name: string }[]; testEnvs: string[]; cells: Cell[]; differsBelowP: number };
    expect(matrix).toEqual(JSON.parse(await readFile(join(out, 'transfer.json'), 'utf8')));
    expect(matrix.trainSets.map((s) => s.name)).toEqual(['untrained', 'spreadsheet']);
    expect(matrix.testEnvs).toEqual(['spreadsheet']);
    const [untrained, trained] = matrix.cells;
    expect(untrained).toMatchObject({ trainSet: 'untrained', success: { n: 3 } });
    expect(untrained!.vsUntrained).toBeUndefined();
    expect(trained!.vsUntrained).toMatchObject({ pairs: 3, difference: (trained!.success.successes - untrained!.success.successes) / 3 });
    expect(stderr).toMatch(/^\[transfer\] done in \d+\.\d min; wrote .*transfer\.md/m);
  });
});

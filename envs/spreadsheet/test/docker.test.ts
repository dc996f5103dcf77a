import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEnvConforms } from '@workgym/protocol';
import { DockerRuntime, type EnvInstance } from '@workgym/runtime';
import { readXlsx, sameValue, showValue, writeXlsx } from '../src/engine/index.js';
import { SpreadsheetEnv } from '../src/index.js';
import { inProcessClient, open, runExpert, spreadsheetSpec } from './helpers.js';
import { recalcWithLibreOffice } from './libreoffice.js';

const runtime = new DockerRuntime({ runId: `test-spreadsheet-${process.pid}` });
let instance: EnvInstance;

beforeAll(async () => {
  instance = await runtime.start(await spreadsheetSpec());
}, 900_000);

afterAll(async () => {
  await instance?.close();
});

describe('spreadsheet env in its container', () => {
  it('passes the conformance suite through a hardened container', async () => {
    // Relaxation and the guessing floor on one seed: the container serves relax: and guess:
    // strategies; env.unit.test.ts plays them on seeds 1-20 and 1-50 in process.
    const report = await assertEnvConforms(instance.client, { seeds: [1], relaxationSeeds: [1], guessSeeds: [1] });
    expect(report.ok).toBe(true);
    expect(instance.imageId).toMatch(/^sha256:/);
  }, 300_000);

  it("agrees with LibreOffice (in the env's image) on every cell of every family's solved workbook", async () => {
    // The expert's final workbook of each family, written without stored results so that
    // LibreOffice has to compute every formula itself.
    const client = inProcessClient();
    const files = new Map<string, Buffer>();
    const ours = new Map<string, Awaited<ReturnType<typeof readXlsx>>>();
    const env = new SpreadsheetEnv();
    for (const family of env.families()) {
      // Two seeds whose expert ends with a workbook: on an infeasible seed it reports instead.
      const infeasible = (seed: number) => env.catalogue.find(family.id!) !== undefined && env.catalogue.infeasible(family.id!, seed);
      for (const seed of [1, 2, 3].filter((s) => !infeasible(s)).slice(0, 2)) {
        const ep = await open(client, family.id!, seed);
        const last = await runExpert(client, ep.session);
        await ep.close();
        const wb = await readXlsx(Buffer.from((JSON.parse(last.infoJson) as { workbookBase64: string }).workbookBase64, 'base64'));
        const name = `${family.id!.split('/')[1]}-${seed}.xlsx`;
        files.set(name, await writeXlsx(wb, { withResults: false }));
        ours.set(name, wb);
      }
    }
    client.close();
    const recalculated = await recalcWithLibreOffice(instance.id, files);
    expect([...recalculated.keys()].sort()).toEqual([...files.keys()].sort());
    const mismatches: string[] = [];
    let formulas = 0;
    for (const [name, wb] of ours) {
      const lo = await readXlsx(recalculated.get(name)!, { recalc: false });
      for (const sheet of wb.sheets) {
        const other = lo.sheet(sheet.name);
        for (const [key, cell] of sheet.cells) {
          if (cell.formula !== undefined) formulas += 1;
          const theirs = other?.cells.get(key)?.value ?? null;
          if (!sameValue(cell.value, theirs, 1e-9)) {
            mismatches.push(`${name} ${sheet.name} key ${key} =${cell.formula ?? ''}: ours ${showValue(cell.value)}, LibreOffice ${showValue(theirs)}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(formulas).toBeGreaterThan(200);
  }, 300_000);
});

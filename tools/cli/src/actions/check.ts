import { checkEnv, type CheckResult } from '@workgym/protocol';
import { findEnvs } from '../env-registry.js';
import { specFor } from '../env-specs.js';
import { formatTable } from '../format.js';
import { makeRuntime } from './select-envs.js';

export async function check(names: string[], options: { runtime: 'docker' | 'local'; seeds: number; json?: boolean }): Promise<void> {
  const runtime = await makeRuntime(options.runtime);
  const reports = [];
  for (const manifest of findEnvs(names)) {
    await using instance = await runtime.start(await specFor(manifest, runtime.kind));
    const report = await checkEnv(instance.client, { seeds: Array.from({ length: options.seeds }, (_, i) => i + 1) });
    reports.push(report);
    if (!options.json) printReport(report.env, report.results);
  }
  if (options.json) console.log(JSON.stringify({ reports }, null, 2));
  if (reports.length === 0) console.log('no environments are registered');
  if (reports.some((r) => !r.ok)) process.exitCode = 1;
}

function printReport(env: string, results: CheckResult[]): void {
  const families = [...new Set(results.filter((r) => r.family).map((r) => r.family!))];
  const checks = [...new Set(results.filter((r) => r.family).map((r) => r.check))];
  const cell = (family: string, check: string) => {
    const rows = results.filter((r) => r.family === family && r.check === check);
    return rows.every((r) => r.ok) ? `ok ${rows.length}/${rows.length}` : `FAIL ${rows.filter((r) => !r.ok).length}/${rows.length}`;
  };
  console.log(`\n${env}: ${results.every((r) => r.ok) ? 'conforms' : 'FAILS'}`);
  console.log(formatTable([['family', ...checks], ...families.map((f) => [f, ...checks.map((c) => cell(f, c))])]));
  for (const r of results.filter((x) => !x.ok)) console.log(`  ${r.check}${r.family ? ` [${r.family} seed ${r.seed}]` : ''}: ${r.message}`);
}

import type { Command } from 'commander';
import { checkEnv, type CheckResult } from '@workgym/protocol';
import { DockerRuntime, LocalRuntime, type EnvRuntime } from '@workgym/runtime';
import { findEnvs, specFor } from '../env-registry.js';
import { formatTable } from '../format.js';
import { UsageError } from '../usage-error.js';

interface CheckOptions {
  runtime: string;
  seeds: string;
  json?: boolean;
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check [envs...]')
    .description('run the conformance suite (checkEnv) against envs served by a runtime')
    .option('--runtime <kind>', 'docker | local', 'docker')
    .option('--seeds <n>', 'seeds per task family', '2')
    .option('--json', 'print the reports as JSON')
    .addHelpText('after', '\nExamples:\n  workgym check\n  workgym check code --runtime local --seeds 5')
    .action(async (names: string[], options: CheckOptions) => {
      const seeds = Number(options.seeds);
      if (!Number.isInteger(seeds) || seeds < 1) throw new UsageError(`--seeds must be a positive integer, not ${options.seeds}`);
      const runtime = pickRuntime(options.runtime);
      const reports = [];
      for (const manifest of findEnvs(names)) {
        await using instance = await runtime.start(await specFor(manifest, runtime.kind));
        const report = await checkEnv(instance.client, { seeds: Array.from({ length: seeds }, (_, i) => i + 1) });
        reports.push(report);
        if (!options.json) printReport(report.env, report.results);
      }
      if (options.json) console.log(JSON.stringify({ reports }, null, 2));
      if (reports.length === 0) console.log('no environments are registered');
      if (reports.some((r) => !r.ok)) process.exitCode = 1;
    });
}

function pickRuntime(kind: string): EnvRuntime {
  if (kind === 'docker') return new DockerRuntime();
  if (kind === 'local') return new LocalRuntime();
  throw new UsageError(`--runtime must be docker or local, not ${kind}`);
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

import { checkEnv, type CheckResult } from '@workgym/protocol';
import { envNames } from '../env-registry.js';
import { printPlan } from '../dry-run.js';
import { formatTable } from '../format.js';
import { assignTaskSets, describeTaskSets } from '../task-sets.js';
import { envSpec, makeRuntime, matchFamilies } from './select-envs.js';

export async function check(
  names: string[],
  options: { runtime: 'docker' | 'local'; seeds: number; family?: string; tasks?: string[]; json?: boolean; dryRun?: boolean },
): Promise<void> {
  const tasks = assignTaskSets(options.tasks, names, envNames());
  // Families are matched before any runtime starts: a glob that matches nothing costs no container.
  // Without --family every family is checked, as the env server lists them.
  const targets = (await matchFamilies(names, options.family, undefined, tasks)).map(({ manifest, families }) => ({
    manifest,
    families: options.family === undefined ? undefined : families,
  }));
  if (options.dryRun) {
    const envs = targets.map(({ manifest, families }) => `${manifest.name}: ${families ? families.join(', ') : 'every family'}`);
    return printPlan(`check ${targets.length} env(s)`, { envs: envs.join('; '), tasks: describeTaskSets(tasks), seeds: `1..${options.seeds}`, runtime: options.runtime });
  }
  const runtime = await makeRuntime(options.runtime);
  const reports = [];
  for (const { manifest, families } of targets) {
    await using instance = await runtime.start(await envSpec(manifest, runtime.kind, tasks[manifest.name]));
    const report = await checkEnv(instance.client, { seeds: Array.from({ length: options.seeds }, (_, i) => i + 1), families });
    reports.push(report);
    if (!options.json) printReport(report.env, report.results, families);
  }
  if (options.json) console.log(JSON.stringify({ reports }, null, 2));
  if (reports.length === 0) console.log('no environments are registered');
  if (reports.some((r) => !r.ok)) process.exitCode = 1;
}

function printReport(env: string, results: CheckResult[], selected: string[] | undefined): void {
  const families = [...new Set(results.filter((r) => r.family).map((r) => r.family!))];
  const checks = [...new Set(results.filter((r) => r.family).map((r) => r.check))];
  const cell = (family: string, check: string) => {
    const rows = results.filter((r) => r.family === family && r.check === check);
    return rows.every((r) => r.ok) ? `ok ${rows.length}/${rows.length}` : `FAIL ${rows.filter((r) => !r.ok).length}/${rows.length}`;
  };
  const only = selected ? ` (only ${selected.length === 1 ? selected[0] : `${selected.length} families`})` : '';
  console.log(`\n${env}${only}: ${results.every((r) => r.ok) ? 'conforms' : 'FAILS'}`);
  console.log(formatTable([['family', ...checks], ...families.map((f) => [f, ...checks.map((c) => cell(f, c))])]));
  for (const r of results.filter((x) => !x.ok)) console.log(`  ${r.check}${r.family ? ` [${r.family} seed ${r.seed}]` : ''}: ${r.message}`);
}

import { checkEnv, type CheckResult, type EnvManifest } from '@workgym/protocol';
import { envNames } from '../env-registry.js';
import { printPlan } from '../dry-run.js';
import { formatTable } from '../format.js';
import { assignTaskSets, describeTaskSets } from '../task-sets.js';
import { envSpec, makeRuntime, matchFamilies } from './select-envs.js';

export async function check(
  names: string[],
  options: {
    runtime: 'docker' | 'local';
    seeds: number;
    relaxationSeeds: number;
    guessSeeds: number;
    family?: string;
    tasks?: string[];
    json?: boolean;
    dryRun?: boolean;
  },
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
    return printPlan(`check ${targets.length} env(s)`, {
      envs: envs.join('; '),
      tasks: describeTaskSets(tasks),
      seeds: `1..${options.seeds}`,
      'relaxation seeds': `1..${options.relaxationSeeds}`,
      'guess seeds': `1..${options.guessSeeds}`,
      runtime: options.runtime,
    });
  }
  const runtime = await makeRuntime(options.runtime);
  const reports = [];
  for (const { manifest, families } of targets) {
    await using instance = await runtime.start(await envSpec(manifest, runtime.kind, tasks[manifest.name]));
    const expertOptional = await taskSetFamilies(manifest, tasks[manifest.name]);
    const report = await checkEnv(instance.client, {
      seeds: upTo(options.seeds),
      relaxationSeeds: upTo(options.relaxationSeeds),
      guessSeeds: upTo(options.guessSeeds),
      families,
      expertOptional,
    });
    reports.push(report);
    if (!options.json) printReport(report.env, report.results, families);
  }
  if (options.json) console.log(JSON.stringify({ reports }, null, 2));
  if (reports.length === 0) console.log('no environments are registered');
  if (reports.some((r) => !r.ok)) process.exitCode = 1;
}

function upTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/**
 * The families the env's task sets add (those it lists with them and not without): a suite's
 * tasks may come without an expert, so theirs are the expert checks that may be skipped.
 */
async function taskSetFamilies(manifest: EnvManifest, tasks: readonly string[] | undefined): Promise<string[]> {
  if (!tasks) return [];
  const ids = async (options?: { tasks: readonly string[] }) => {
    const env = await manifest.create(options);
    const listed = env.families().map((f) => f.id!);
    await env.close?.();
    return listed;
  };
  const own = new Set(await ids());
  return (await ids({ tasks })).filter((id) => !own.has(id));
}

function printReport(env: string, results: CheckResult[], selected: string[] | undefined): void {
  const families = [...new Set(results.filter((r) => r.family).map((r) => r.family!))];
  const checks = [...new Set(results.filter((r) => r.family).map((r) => r.check))];
  const cell = (family: string, check: string) => {
    const rows = results.filter((r) => r.family === family && r.check === check);
    if (rows.length > 0 && rows.every((r) => r.skipped)) return 'skipped';
    return rows.every((r) => r.ok) ? `ok ${rows.length}/${rows.length}` : `FAIL ${rows.filter((r) => !r.ok).length}/${rows.length}`;
  };
  const only = selected ? ` (only ${selected.length === 1 ? selected[0] : `${selected.length} families`})` : '';
  console.log(`\n${env}${only}: ${results.every((r) => r.ok) ? 'conforms' : 'FAILS'}`);
  console.log(formatTable([['family', ...checks], ...families.map((f) => [f, ...checks.map((c) => cell(f, c))])]));
  const noExpert = [...new Set(results.filter((r) => r.skipped === 'the family has no expert').map((r) => r.family!))];
  if (noExpert.length > 0) {
    const shown = noExpert.length > 10 ? `${noExpert.slice(0, 10).join(', ')} and ${noExpert.length - 10} more` : noExpert.join(', ');
    console.log(
      `  skipped: the expert checks of ${noExpert.length} task-set ${noExpert.length === 1 ? 'family' : 'families'} with no expert (${shown}); the others ran`,
    );
  }
  for (const r of results.filter((x) => x.skipped && x.skipped !== 'the family has no expert'))
    console.log(`  ${r.check} [${r.family}]: skipped, ${r.skipped}`);
  for (const r of results.filter((x) => x.ok && x.detail)) console.log(`  ${r.check} [${r.family}]: ${r.detail}`);
  for (const r of results.filter((x) => !x.ok))
    console.log(`  ${r.check}${r.family ? ` [${r.family}${r.seed !== undefined ? ` seed ${r.seed}` : ''}]` : ''}: ${r.message}`);
}

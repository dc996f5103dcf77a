import picomatch from 'picomatch';
import { checkEnv, type CheckResult, type EnvManifest } from '@workgym/protocol';
import { findEnvs } from '../env-registry.js';
import { specFor } from '../env-specs.js';
import { printPlan } from '../dry-run.js';
import { formatTable } from '../format.js';
import { UsageError } from '../usage-error.js';
import { makeRuntime } from './select-envs.js';

export async function check(
  names: string[],
  options: { runtime: 'docker' | 'local'; seeds: number; family?: string; json?: boolean; dryRun?: boolean },
): Promise<void> {
  // Families are matched before any runtime starts: a glob that matches nothing costs no container.
  const targets = await matchFamilies(findEnvs(names), options.family);
  if (options.dryRun) {
    const envs = targets.map(({ manifest, families }) => `${manifest.name}: ${families ? families.join(', ') : 'every family'}`);
    return printPlan(`check ${targets.length} env(s)`, { envs: envs.join('; '), seeds: `1..${options.seeds}`, runtime: options.runtime });
  }
  const runtime = await makeRuntime(options.runtime);
  const reports = [];
  for (const { manifest, families } of targets) {
    await using instance = await runtime.start(await specFor(manifest, runtime.kind));
    const report = await checkEnv(instance.client, { seeds: Array.from({ length: options.seeds }, (_, i) => i + 1), families });
    reports.push(report);
    if (!options.json) printReport(report.env, report.results, families);
  }
  if (options.json) console.log(JSON.stringify({ reports }, null, 2));
  if (reports.length === 0) console.log('no environments are registered');
  if (reports.some((r) => !r.ok)) process.exitCode = 1;
}

/** Each env with the families --family selects (all without it); envs with none are left out, and none at all is an error. */
async function matchFamilies(manifests: EnvManifest[], glob: string | undefined): Promise<{ manifest: EnvManifest; families?: string[] }[]> {
  if (glob === undefined) return manifests.map((manifest) => ({ manifest }));
  const match = picomatch(glob);
  const listed: string[] = [];
  const targets = [];
  for (const manifest of manifests) {
    const env = await manifest.create();
    const ids = env.families().map((f) => f.id!);
    await env.close?.();
    listed.push(...ids);
    const families = ids.filter((id) => match(id));
    if (families.length > 0) targets.push({ manifest, families });
  }
  if (targets.length === 0) throw new UsageError(`no family matches --family ${JSON.stringify(glob)}; the families: ${listed.join(', ')}`);
  return targets;
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

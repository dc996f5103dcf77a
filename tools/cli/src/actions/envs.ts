import { envNames, findEnvs, registeredEnvs } from '../env-registry.js';
import { formatTable } from '../format.js';
import { assignTaskSets } from '../task-sets.js';

export async function listEnvs(options: { json?: boolean; env?: string[]; tasks?: string[] }): Promise<void> {
  const tasks = assignTaskSets(options.tasks, options.env, envNames());
  const envs = [];
  const sources = registeredEnvs();
  for (const manifest of findEnvs(options.env)) {
    const paths = tasks[manifest.name];
    const env = await manifest.create(paths ? { tasks: paths } : undefined);
    envs.push({
      name: env.name,
      version: env.version,
      source: sources.find((s) => s.manifest === manifest)!.source,
      families: env.families().map((f) => ({
        id: f.id,
        job: f.job,
        difficulty: f.difficulty,
        tiers: f.tiers ?? [],
        heldOut: f.heldOut === true,
        features: f.features ?? [],
        description: f.description,
        splits: f.splits,
        strategies: f.strategies ?? [],
        nearMisses: f.nearMisses ?? [],
        components: (f.components ?? []).map((c) => ({ name: c.name, kind: c.kind === 1 ? 'guard' : 'progress' })),
        conditions: f.conditions ?? [],
        guesses: f.guesses ?? [],
      })),
      tools: env.tools().map((t) => ({ name: t.name, description: t.description, parameters: JSON.parse(t.parametersJson || '{}') })),
    });
    await env.close?.();
  }
  if (options.json) return void console.log(JSON.stringify({ envs }, null, 2));
  if (envs.length === 0) return void console.log('no environments are registered');
  for (const env of envs) {
    const from = env.source === 'shipped' ? 'shipped' : `from ${env.source}`;
    console.log(`${env.name} ${env.version} (${from}): ${env.families.length} task families; tools: ${env.tools.map((t) => t.name).join(', ')}`);
    const rows = env.families.map((f) => [
      f.id ?? '',
      f.job ?? '',
      f.tiers.join(', ') || (f.difficulty ?? ''),
      f.heldOut ? 'held out' : '',
      f.features.join(', '),
      f.strategies.join(', '),
    ]);
    console.log(formatTable([['family', 'job', 'difficulty (tiers)', 'training', 'features', 'expert strategies (--expert-variant)'], ...rows]));
    console.log();
  }
}

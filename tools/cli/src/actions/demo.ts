import { rolloutConfigSchema } from '../rollout-config.js';
import { planRollout, runRollout } from './rollout.js';

export async function demo(options: { out: string; episodes: number; dryRun?: boolean }): Promise<void> {
  for (const agent of ['expert', 'random'] as const) {
    console.log(`\n== ${agent} agent ==`);
    await (options.dryRun ? planRollout : runRollout)(
      rolloutConfigSchema.parse({
        agent,
        episodes: options.episodes,
        group: agent === 'random' ? 2 : 1,
        out: `${options.out}/${agent}`,
        parallel: 'auto',
        maxSteps: agent === 'random' ? 12 : 30,
      }),
    );
  }
  if (options.dryRun) return;
  console.log(
    `\nThe runs are in ${options.out}/. Try:\n  workgym data stats ${options.out}/expert\n  workgym data export ${options.out}/expert --format openai --out expert.jsonl`,
  );
}

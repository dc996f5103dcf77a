import type { Command } from 'commander';
import { runRollout } from './rollout.js';
import { rolloutConfigSchema } from '../rollout-config.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('roll out expert and random agents across every env and show what was recorded')
    .option('--out <dir>', 'where the demo runs go', `runs/demo-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`)
    .option('--episodes <n>', 'tasks per family', '2')
    .addHelpText('after', '\nThis is what `npm run demo` runs after setting up the machine.\n\nExample:\n  workgym demo --episodes 3')
    .action(async (options: { out: string; episodes: string }) => {
      for (const agent of ['expert', 'random'] as const) {
        console.log(`\n== ${agent} agent ==`);
        await runRollout(
          rolloutConfigSchema.parse({ agent, episodes: Number(options.episodes), group: agent === 'random' ? 2 : 1, out: `${options.out}/${agent}`, parallel: 2, maxSteps: agent === 'random' ? 12 : 30 }),
        );
      }
      console.log(`\nThe runs are in ${options.out}/. Try:\n  workgym data stats ${options.out}/expert\n  workgym data export ${options.out}/expert --format openai --out expert.jsonl`);
    });
}

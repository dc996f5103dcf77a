import type { Command } from 'commander';
import { addDryRunOption } from '../dry-run.js';
import { lazy } from '../lazy.js';
import { addOptions } from '../options.js';

export function defineDemo(command: Command): void {
  command.option('--out <dir>', 'where the demo runs go', `runs/demo-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`);
  // One task per family: over 60 families, 3 episodes each (the random agent plays twice), fewer
  // in all than the 6 each of the 34 families that took 566 s.
  addDryRunOption(addOptions(command, { episodes: { help: 'tasks per family (the random agent plays each twice)', default: 1 } }))
    .addHelpText(
      'after',
      '\nEvery family of every registered env: the expert agent once per task, the random agent twice.\n' +
        'This is what `npm run demo` runs after setting up the machine.\n\nExample:\n  workgym demo --episodes 3',
    )
    .action(lazy(async () => (await import('../actions/demo.js')).demo));
}

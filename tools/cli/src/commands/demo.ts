import type { Command } from 'commander';
import { addDryRunOption } from '../dry-run.js';
import { lazy } from '../lazy.js';
import { addOptions } from '../options.js';

export function defineDemo(command: Command): void {
  command.option('--out <dir>', 'where the demo runs go', `runs/demo-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`);
  addDryRunOption(addOptions(command, { episodes: { default: 2 } }))
    .addHelpText('after', '\nThis is what `npm run demo` runs after setting up the machine.\n\nExample:\n  workgym demo --episodes 3')
    .action(lazy(async () => (await import('../actions/demo.js')).demo));
}

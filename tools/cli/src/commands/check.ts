import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { addOptions, COUNT, numberOption } from '../options.js';
import { tasksOption } from '../task-sets.js';

export function defineCheck(command: Command): void {
  addOptions(command, { runtime: { default: 'docker' }, family: { help: 'check only the families whose id matches, e.g. "code/*-fix-bug"' } })
    .addOption(tasksOption())
    .addOption(numberOption('--seeds <n>', 'seeds per task family', COUNT, 2))
    .addOption(numberOption('--relaxation-seeds <n>', 'seeds the relaxation case drops each condition on (1..n)', COUNT, 20))
    .addOption(numberOption('--guess-seeds <n>', 'seeds the guessing-floor case plays each constant guess on (1..n)', COUNT, 50))
    .option('--json', 'print the reports as JSON')
    .option('--dry-run', 'check the options, match the envs and families, print what would be checked and exit without starting an env')
    .addHelpText(
      'after',
      '\nExamples:\n  workgym check\n  workgym check code --runtime local --seeds 5\n  workgym check spreadsheet --family spreadsheet/highlight-rows --relaxation-seeds 50 --json\n  workgym check code --family code/py-fix-bug --runtime local --seeds 1\n  workgym check browser --tasks miniwob-plusplus/miniwob --family "browser/miniwob.*" --seeds 1',
    )
    .action(lazy(async () => (await import('../actions/check.js')).check));
}

import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { addOptions } from '../options.js';
import { tasksOption } from '../task-sets.js';

export function defineEnvs(command: Command): void {
  addOptions(command, { env: { help: 'only these envs (comma-separated)' } })
    .addOption(tasksOption())
    .option(
      '--json',
      'print JSON: {"envs":[{"name","version","source","families":[{"id","job","difficulty","description","splits","strategies","nearMisses","components":[{"name","kind"}],"conditions","guesses"}],"tools":[...]}]}',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  workgym envs\n  workgym envs --json | jq ".envs[].families[].id"\n  workgym envs --tasks browser=miniwob-plusplus/miniwob   # with the families of a task set',
    )
    .action(lazy(async () => (await import('../actions/envs.js')).listEnvs));
}

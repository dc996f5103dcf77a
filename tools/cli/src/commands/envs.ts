import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function defineEnvs(command: Command): void {
  command
    .option(
      '--json',
      'print JSON: {"envs":[{"name","version","families":[{"id","job","difficulty","description","splits","strategies","nearMisses"}],"tools":[...]}]}',
    )
    .addHelpText('after', '\nExamples:\n  workgym envs\n  workgym envs --json | jq ".envs[].families[].id"')
    .action(lazy(async () => (await import('../actions/envs.js')).listEnvs));
}

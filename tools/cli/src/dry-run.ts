import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from './usage-error.js';

// --dry-run on the commands that start envs, train or build: everything a real run checks before
// it starts (options, envs and families, the files and folders named) is checked the same way,
// then the plan is printed and nothing runs. The --help examples test runs them this way.

export function addDryRunOption(command: Command, what = 'run'): Command {
  return command.option(
    '--dry-run',
    `check every option, match the envs and families, find the files named, print what would ${what}, and exit without starting anything`,
  );
}

/** Prints a dry run's plan: a title line and its indented details. */
export function printPlan(title: string, details: Record<string, string | number | undefined>): void {
  const lines = Object.entries(details)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `  ${key}: ${value}`);
  console.log(`dry run, nothing started: ${title}\n${lines.join('\n')}`);
}

/** Refuses a path a command would read that is not there, as the real run would (one line). */
export function mustExist(path: string, what: string): void {
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
}

/** "code: 2 families (code/py-fix-bug, code/js-fix-bug)", one env after another. */
export function describeFamilies(matched: readonly { name: string; families: readonly string[] }[]): string {
  return matched
    .map(({ name, families }) => {
      const shown = families.length > 4 ? `${families.slice(0, 4).join(', ')}, ...` : families.join(', ');
      return `${name}: ${families.length} ${families.length === 1 ? 'family' : 'families'} (${shown})`;
    })
    .join('; ');
}

/** How many families the envs hold in all. */
export function familyCount(matched: readonly { families: readonly string[] }[]): number {
  return matched.reduce((n, e) => n + e.families.length, 0);
}

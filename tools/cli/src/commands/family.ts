import type { Command } from 'commander';
import { checkoutRoot, describeShapes, listShapes } from '../family-shapes.js';
import { lazy } from '../lazy.js';

export function defineFamily(command: Command): void {
  command.addHelpText('after', '\nExamples:\n  workgym family new code/parse-duration --like implement-function');
}

export function defineFamilyNew(command: Command): void {
  command
    .requiredOption('--like <shape>', 'the shape to start from (below)')
    .option('--dry-run', 'check the name and the shape and say what would be written, without writing')
    .addHelpText('after', () => {
      const root = checkoutRoot();
      return `
Writes envs/<env>/src/tasks/<name>.ts from envs/<env>/src/tasks/templates/<shape>.ts (a working
family: it passes the conformance suite as written; its comments say what to change), imports it
into envs/<env>/src/tasks/index.ts (FAMILIES), adds its row to the family table of
docs/envs/<env>.md, and prints the commands that check it. Works in a repository checkout; the
CLI rebuilds what changed before its next command.

Shapes (envs/<env>/src/tasks/templates/<shape>.ts):
${root ? describeShapes(listShapes(root)) : '  (only in a repository checkout)'}

Examples:
  workgym family new code/parse-duration --like implement-function
  workgym check code --family code/parse-duration --runtime local`;
    })
    .action(lazy(async () => (await import('../actions/family-new.js')).familyNew));
}

import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { numberOption } from '../options.js';

export function defineView(command: Command): void {
  command
    .addOption(numberOption('--port <n>', 'port to listen on (0: any free port)', { integer: true, min: 0, max: 65535 }, 0))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--bundle <out>', 'write a static site to OUT (opens from disk, no server) instead of serving')
    .option('--episodes <selection>', 'with --bundle: the episodes to include: ids (a,b,c) or a list query (family=code/fix-bug&status=failure)')
    .addHelpText(
      'after',
      `
Each SOURCE is a run folder (\`workgym rollout --out\`), a training folder (\`workgym train\`:
curves.csv, test-curves.csv, comparison.json), an eval JSON file (\`workgym eval --json FILE\`) or
a transfer folder or transfer.json (\`workgym transfer\`). Runs are opened read-only; a run still
being written shows new episodes as they land. The viewer listens on 127.0.0.1 unless --host
says otherwise, and runs until Ctrl-C. See docs/viewer.md.

Examples:
  workgym view runs/demo
  workgym view runs/base runs/expert            # compare them: #/compare/r0,r1
  workgym view runs/demo --bundle share/demo --episodes 'status=success'`,
    )
    .action(lazy(async () => (await import('../actions/view.js')).view));
}

import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { addOptions } from '../options.js';
import { tasksOption } from '../task-sets.js';

export function defineEnvs(command: Command): void {
  addOptions(command, { env: { help: 'only these envs (comma-separated)' } })
    .addOption(tasksOption())
    .option(
      '--json',
      'print JSON: {"envs":[{"name","version","source","families":[{"id","job","difficulty","tiers","heldOut","features","description","splits","strategies","nearMisses","components":[{"name","kind"}],"conditions","guesses"}],"tools":[...]}]}; tiers: the difficulties its instances come in (each task\'s own is its difficulty; [] when all are of "difficulty"); heldOut: kept out of training (unseen-family evaluation); features: what its tasks have beyond a fully stated request ("infeasible": a quarter of its seeds cannot be done, and only report_infeasible succeeds there)',
    )
    .addHelpText(
      'after',
      `
The table's "difficulty (tiers)" column lists the tiers a family's instances come in (each task's
own tier is its difficulty), or its one difficulty; "training" says "held out" for a family kept
out of training (train, transfer and DAgger draw no training episode from it; eval and transfer
report it apart as an unseen family). "features" lists "infeasible" for a family a quarter of
whose seeds ask for what cannot be done: only the report_infeasible tool, which every generated
family's session offers, succeeds there, and it earns nothing on any other seed (docs/people.md).

Examples:
  workgym envs
  workgym envs --json | jq ".envs[].families[].id"
  workgym envs --json | jq '.envs[].families[] | select(.heldOut) | .id'
  workgym envs --json | jq '.envs[].families[] | select(.features | index("infeasible")) | .id'
  workgym envs --tasks browser=miniwob-plusplus/miniwob   # with the families of a task set`,
    )
    .action(lazy(async () => (await import('../actions/envs.js')).listEnvs));
}

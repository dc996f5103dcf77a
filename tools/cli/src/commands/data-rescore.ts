import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { addOptions, COUNT, numberOption } from '../options.js';
import { tasksOption } from '../task-sets.js';

export function defineDataRescore(command: Command): void {
  addOptions(command.option('--out <dir>', 'the new run folder (default: <run>.rescore-<n>, the first n free)'), {
    runtime: { help: 'docker | local (default: the runtime the run was recorded with)' },
  })
    .addOption(numberOption('--parallel <n>', 'episodes in flight per env', COUNT, 2))
    .addOption(tasksOption('where a task set the run used is now (default: the paths the run recorded); repeatable'))
    .option(
      '--json',
      'print the report as JSON: {"from", "out", "episodes", "changed", "diverged", "failed", "families": [{"family", "episodes", "changed", "diverged", "failed", "successBefore", "successAfter", "versionsBefore", "versionAfter"}], "changes": [{"episodeId", "family", "before", "after"}], "divergences": [{"episodeId", "family", "step", "what"}]}',
    )
    .addHelpText(
      'after',
      `
Replays every episode's recorded tool calls on a fresh env with the same task (env, family,
split, seed), re-verifies it with today's verifiers and writes a new run: the recorded records
with the new verdicts and verifier versions, its manifest spec naming the run it was rescored
from. The run itself is only read. Episodes that ended with the agent's failure or a broken env
keep their verdict (the verifier did not give it). A replay whose observations differ from the
recorded ones is reported as diverged (the env is not deterministic, or changed): its verdict
is today's verdict of the recorded calls. Episodes of task-set families replay with the task
sets and reset options the run recorded (--tasks ENV=PATH when a set has moved). See
docs/trajectories.md.

Examples:
  workgym data rescore runs/demo
  workgym data rescore runs/demo --out runs/demo-v2 --runtime local
  workgym data rescore runs/demo --json | jq '.families[] | select(.changed > 0)'`,
    )
    .action(lazy(async () => (await import('../actions/data-rescore.js')).rescore));
}

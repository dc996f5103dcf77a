import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { MIX_VERIFIERS_FLAG, MIX_VERIFIERS_HELP } from '../mix-verifiers.js';
import { COUNT, numberOption } from '../options.js';

// `workgym data` and the subcommands that only read a run; export and sft have their own modules.

const actions = () => import('../actions/data.js');

export function defineData(data: Command): void {
  data.addHelpText(
    'after',
    '\nExamples:\n  workgym data stats runs/demo\n  workgym data show runs/demo code/py-fix-bug:train:0:0\n' +
      '  workgym data export runs/demo --format openai --out out/sft.jsonl --success-only\n  workgym data verify runs/demo\n' +
      '  workgym data repair runs/demo --out runs/demo-repaired',
  );
}

export function defineStats(command: Command): void {
  command
    .option(
      '--json',
      'print JSON: {"episodes", "successRate" (0..1), "success" (Wilson interval), "meanReward", "ks", "passAtK", "passHatK", "scenarios", "attempts", "retried", "infraErrors", "byEnv": {...}, "byFamily", "byJob", "byDifficulty", "damage": [...], ...}',
    )
    .option('--strict', 'exit 1 when a record is damaged')
    .option(MIX_VERIFIERS_FLAG, MIX_VERIFIERS_HELP)
    .option('--no-check', 'do not read the records to check them (faster on a large run; damage inside them then goes unnoticed)')
    .addHelpText(
      'after',
      "\nPer env, family, job and difficulty: success with its 95% Wilson interval, mean score (partial credit: the shaped reward, whatever the run's --reward paid), pass@k and\n" +
        'pass^k for every k up to the group size (at least one / all of k tries of a task succeed), and scenario success\n' +
        "(the minimum over a scenario's tasks) for families whose tasks come in scenarios.\n" +
        '\nExamples:\n  workgym data stats runs/demo\n  workgym data stats runs/demo --json | jq .byEnv\n' +
        "  workgym data stats runs/demo --json | jq '.byFamily | map_values(.passHatK)'\n  workgym data stats runs/demo --strict",
    )
    .action(lazy(async () => (await actions()).stats));
}

export function defineShow(command: Command): void {
  command
    .addOption(numberOption('--max-chars <n>', 'cut texts (observations, results) longer than this', COUNT, 2000))
    .option('--full', 'print texts whole')
    .option('--json', 'print the episode record as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  workgym data show runs/demo code/py-fix-bug:train:0:0\n  workgym data show runs/demo code/py-fix-bug:train:0:0 --full | less',
    )
    .action(lazy(async () => (await actions()).show));
}

export function defineVerify(command: Command): void {
  command
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  workgym data verify runs/demo\n  workgym data verify runs/demo --json | jq .problems')
    .action(lazy(async () => (await actions()).verify));
}

export function defineRepair(command: Command): void {
  command
    .requiredOption('--out <dir>', 'the new run folder (must not hold a run)')
    .option('--json', 'print the report as JSON: {"from", "out", "episodes", "blobs", "leftOut": [{"episodeId", "reason"}], "finalised"}')
    .addHelpText(
      'after',
      '\nThe run itself is only read. The copy is finalised when nothing was left out; otherwise it stays open, so that\n' +
        'resuming the rollout into it (the same flags, --out NEW --resume) runs the left-out episodes again.\n' +
        '\nExamples:\n  workgym data repair runs/demo --out runs/demo-repaired\n  workgym data repair runs/demo --out runs/demo-repaired --json | jq .leftOut',
    )
    .action(lazy(async () => (await actions()).repair));
}

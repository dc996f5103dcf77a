import type { Command } from 'commander';
import { addAgentOptions } from '../agent-options.js';
import { addPeopleOptions } from '../people-options.js';
import { addDryRunOption } from '../dry-run.js';
import { lazy } from '../lazy.js';
import { MIX_VERIFIERS_FLAG, MIX_VERIFIERS_HELP } from '../mix-verifiers.js';
import { addOptions, readList, readNumber, WHOLE } from '../options.js';
import { resetOptionsOption, tasksOption } from '../task-sets.js';

export function defineEval(command: Command): void {
  // `eval compare` has options of the same names (--env, --json): those after `compare` are its own.
  command.enablePositionalOptions();
  command
    .option('--run <dir>', 'score the episodes of an existing run, as they were played, instead of running new ones (the agent options are for new ones)')
    .option(MIX_VERIFIERS_FLAG, `with --run: ${MIX_VERIFIERS_HELP}`);
  addAgentOptions(command, {
    kinds: ['expert', 'random', 'nothing', 'submit', 'give-up', 'openai', 'policy'],
    help: {
      agent: 'expert | random | nothing | submit | give-up | openai | policy (a saved embedded policy, served for you)',
      temperature: 'sampling temperature, 0 to 2 (default 0: greedy; --agent openai or policy)',
    },
  }).option('--policy <dir>', 'the policy folder (--agent policy)');
  addPeopleOptions(command);
  addOptions(command, {
    env: {},
    family: { help: 'only families whose id matches' },
    holdOut: { help: "comma-separated family globs to report as held out in place of the catalogue's held-out families (each must match a family evaluated)" },
    split: { default: 'test' },
    episodes: { default: 10 },
    group: { help: 'rollouts per task (for pass@k)', default: 1 },
    seed: { default: 0 },
    maxSteps: { help: 'step limit per episode', default: 30 },
    parallel: { default: 'auto' },
    runtime: { default: 'docker' },
    reward: {
      help: "what each new episode's final reward pays: success (0 or 1, the default) | shaped (the report's mean score is the shaped reward either way)",
    },
  })
    .addOption(tasksOption())
    .addOption(resetOptionsOption())
    .option('--out <dir>', 'run folder for the new episodes (default: a temporary folder)')
    .option('--k <list>', 'comma-separated k for pass@k and pass^k (default every k from 1 to the group size)', (value: string) =>
      readList(value).map((k) => readNumber(k, '--k', WHOLE)),
    )
    .option('--exclude-infra-errors', 'leave episodes lost to infrastructure faults (infra_error) out of the rates instead of counting them as failures')
    .option('--json <file>', 'also write the report as JSON')
    .option('--markdown <file>', 'also write the markdown report to a file');
  addDryRunOption(command, 'run (or score)')
    .addHelpText(
      'after',
      `
Prints a markdown report by env, family, job, difficulty (each instance's tier) and family
split, and in total. Success counts only
verified successes, with 95% Wilson intervals (agent errors, envs the agent broke and infra errors
count as failures and are listed; --exclude-infra-errors leaves infra errors out of the rates,
still saying how many there were). Mean score is the family's partial credit: the shaped reward the
record keeps whatever --reward paid (records from before reward modes: their final reward).
pass@k (at least one of k tries succeeds) and pass^k (all k succeed: reliability) are unbiased
estimates over tasks with >= k rollouts (--group). Families whose tasks come in scenarios also get
scenario success: the minimum success over a scenario's tasks, averaged over scenarios.

Family split: when the episodes hold a held-out family, the report also gives "trained
families" (unseen seeds of families training draws from) against "held-out families" (families
kept out of training: unseen families), rows of scope "family split" in --json. Held out are the
families the catalogue marks so (\`workgym envs\`; with --run, the catalogue of the registered
envs the records name, as it is now), or those --hold-out names in their place.

Infeasible seeds: when the episodes hold a seed that asked for what cannot be done (a family with
the infeasible feature; \`workgym envs\`), the report first gives success on feasible and on
infeasible seeds apart, per family and in total, with 95% Wilson intervals ("feasibility" on the
rows of scope all and family in --json, and "infeasibleEpisodes"). Reporting infeasible earns 0 on
a feasible seed: --agent give-up, which reports every task infeasible at once, scores 0% on the
feasible seeds and 100% on the infeasible ones.

Suite metrics: episodes of a public benchmark's task set (--tasks; families <env>/<set>.<task>)
also get the metric the benchmark publishes, in a table of their own (and "suites" in --json):
miniwob: mean raw reward per task (-1..1) and success rate; spreadsheetbench: soft (cases right
per task) and hard (every case right); humaneval, mbpp: pass@1.

Examples:
  workgym eval --run runs/qwen
  workgym eval --agent policy --policy policies/bc --env code --episodes 30 --runtime local
  workgym eval --agent openai --model Qwen/Qwen3-8B --base-url http://localhost:8000/v1 --group 4 --json eval.json
  workgym eval --run runs/qwen --k 1,4 --json eval.json    # pass@1, pass@4, pass^1, pass^4
  workgym eval --run runs/qwen --hold-out "code/sql-*"    # report these families as the held-out ones
  workgym eval --agent random --env code --family "code/sql-*" --episodes 20
  workgym eval --agent give-up --env code --family code/repo-question --episodes 8 --runtime local   # feasible 0%, infeasible 100%
  workgym eval --agent random --tasks browser=miniwob-plusplus/miniwob --family "browser/miniwob.*" --episodes 2   # also the suite metric (MiniWoB mean reward)

Compare two runs of the same tasks, paired by task: workgym eval compare RUN_A RUN_B (see its --help).`,
    )
    .action(lazy(async () => (await import('../actions/eval.js')).evaluate));
}

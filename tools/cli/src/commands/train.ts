import { Option, type Command } from 'commander';
import { ADVANTAGE_ESTIMATORS } from '@workgym/trainers/rl';
import { addAgentOptions } from '../agent-options.js';
import { addDryRunOption } from '../dry-run.js';
import { lazy } from '../lazy.js';
import { MIX_VERIFIERS_FLAG, MIX_VERIFIERS_HELP } from '../mix-verifiers.js';
import { addOptions, ANY_NUMBER, COUNT, numberOption, readList, WHOLE } from '../options.js';

export const METHODS = ['bc', ...ADVANTAGE_ESTIMATORS] as const;

export function defineTrain(command: Command): void {
  command
    .option('--from <runs>', 'comma-separated run folders to learn from (offline)', readList)
    .option('--method <m>', METHODS.join(' | '), 'bc')
    .option('--out <dir>', 'the policy folder to write (online: the RL output folder)')
    .option('--init <dir>', 'start from this saved policy instead of an untrained one')
    .option('--include-test', 'offline: also learn from test-split episodes of --from (refused otherwise: they are kept for evaluation)')
    .option(MIX_VERIFIERS_FLAG, `offline: ${MIX_VERIFIERS_HELP}`);
  addOptions(command, { epochs: { help: 'passes over the data (bc: 8; policy gradient: 1)' } })
    .addOption(numberOption('--lr <x>', 'learning rate (Adagrad; bc 0.5, policy gradient 0.02)', { ...ANY_NUMBER, above: 0 }))
    .addOption(
      new Option(
        '--pg-step <rule>',
        'policy-gradient step: adagrad, or normalized (each decision moves a score by at most --lr x 2|advantage|; for an untrained policy, with --lr 0.5)',
      )
        .choices(['adagrad', 'normalized'])
        .default('adagrad'),
    )
    .option('--normalize <scope>', 'advantage rescaling across a multi-env batch: none | env | family', 'none')
    .addOption(
      numberOption(
        '--dagger-rounds <n>',
        'after bc: roll the policy out on fresh train seeds and learn the expert labels of what it visits (needs --env)',
        WHOLE,
        0,
      ),
    )
    .option('--online', 'run the online RL loop: sample tasks, roll out --group per task, advantages, update, repeat')
    .addOption(numberOption('--iterations <n>', 'RL iterations (online)', COUNT, 10))
    .addOption(numberOption('--tasks <n>', 'tasks per family per iteration (online) or per DAgger round', COUNT, 4))
    .addOption(
      numberOption(
        '--sample-rounds <n>',
        'online, dynamic sampling: skip groups whose rewards all agree and roll out fresh tasks, up to n rounds per iteration, until --tasks informative groups per family (1: off)',
        COUNT,
        3,
      ),
    )
    .addOption(
      numberOption(
        '--eval-every <n>',
        'online: greedy success on fixed test seeds before the first update, every n iterations and after the last (0: never)',
        WHOLE,
        0,
      ),
    )
    .addOption(numberOption('--eval-tasks <n>', 'online: test tasks per family for --eval-every (the same seeds every time)', COUNT, 30))
    .addOption(
      numberOption(
        '--eval-temperature <t>',
        'online: temperature of the test evaluations (0 greedy; above 0 sampled with a fixed seed, so points still pair by task)',
        { min: 0, max: 2 },
        0,
      ),
    );
  addOptions(command, {
    group: { help: 'rollouts per task (online)', default: 4 },
    env: { help: 'comma-separated envs (online, DAgger)' },
    family: { help: 'only families whose id matches (online, DAgger)' },
    holdOut: {},
    includeHeldOut: {},
    runtime: { default: 'docker' },
    maxSteps: { help: 'step limit per episode', default: 30 },
    parallel: { default: 'auto' },
    seed: { help: 'first train seed (online, DAgger)', default: 0 },
    reward: {
      help: 'online: what a rollout is paid, and so what the advantages see: success (0 or 1, the default) | shaped (partial credit)',
      default: 'success',
    },
  }).option('--trainer-command <cmd>', 'online: an external trainer instead of the embedded learner (see docs/trainers.md)');
  addAgentOptions(command, {
    only: ['baseUrl', 'model', 'apiKeyEnv', 'context'],
    help: {
      baseUrl: 'online with --trainer-command: the initial policy endpoint',
      model: 'online with --trainer-command: the initial model name',
      context: 'online: what of the history the policy is shown when acting: full | window:N | memory:N (default full)',
    },
  });
  addDryRunOption(command, 'train')
    .addHelpText(
      'after',
      `
Offline, --method bc clones the demonstrations in --from (successful episodes' steps: the
candidates and the chosen call); grpo, drgrpo and rloo compute group advantages over the run's
groups (EpisodeRecord.groupId; rollout --group G) and take policy-gradient steps. The policy
folder holds policy.json; serve it with \`workgym serve-policy\`.

Online (--online), each iteration rolls out the current policy (sampling at temperature 1) on
fresh train seeds, writes <out>/iterations/<n>/{run,batch.jsonl}, computes advantages, updates,
and rewrites <out>/curves.csv and <out>/curves.png. A rollout's reward is its success, 0 or 1,
unless --reward shaped asks for the family's partial credit. Groups whose rollouts all got the same reward
teach nothing: they are skipped and fresh tasks rolled out (run-1, run-2...) until --tasks
informative groups per family, at most --sample-rounds rounds. With --eval-every N the policy is
evaluated on the same test seeds before the first update, every N iterations and after the last
(<out>/evals/<n>, test-curves.csv, success with 95% Wilson intervals in curves.png), and
<out>/comparison.json holds the last evaluation against the first, paired by task (McNemar).
Held-out families (the catalogue's held_out, marked in \`workgym envs\`; --hold-out names others
in their place) are kept out of training: online iterations and DAgger rounds sample no task of
them and offline training leaves out --from's episodes of them (a line says how many), unless
--include-held-out. The online test evaluations cover them, and comparison.json also compares
"trained families" and "held-out families" (unseen families).

An untrained policy scores every candidate alike, so greedy it always takes the first one; from
scratch, evaluate with --eval-temperature 1 to compare against the random policy it starts as.

Examples:
  workgym rollout --env code --agent expert --episodes 40 --out runs/expert
  workgym train --from runs/expert --method bc --out policies/bc
  workgym train --from runs/expert --method bc --dagger-rounds 3 --env code --runtime local --out policies/dagger
  workgym train --from runs/explore --method rloo --init policies/bc --out policies/rloo
  workgym train --online --method grpo --init policies/bc --env code --iterations 10 --group 4 --out rl/code
  workgym train --online --method grpo --env code --hold-out "code/sql-*" --eval-every 5 --out rl/unseen-sql
  workgym train --online --method grpo --env spreadsheet --family spreadsheet/clean-names --runtime local --max-steps 15 \\
    --iterations 8 --tasks 8 --pg-step normalized --lr 0.5 --eval-every 2 --eval-tasks 60 --eval-temperature 1 --out rl/clean-names
  workgym train --online --method rloo --trainer-command "python my_trainer.py {batch}" --base-url http://localhost:8000/v1 --model qwen --out rl/ext`,
    )
    .action(lazy(async () => (await import('../actions/train.js')).train));
}

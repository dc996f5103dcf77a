import type { Command } from 'commander';
import { addAgentOptions } from '../agent-options.js';
import { addDryRunOption } from '../dry-run.js';
import { addPeopleOptions } from '../people-options.js';
import { lazy } from '../lazy.js';
import { addOptions, PROBABILITY, readNumber } from '../options.js';
import { QUEUE_URL_FORMS, queueNameOption, queueOption } from '../queue-options.js';
import { resetOptionsOption, tasksOption } from '../task-sets.js';

export function defineRollout(command: Command): void {
  command.option('--config <file>', 'read these options from a JSON file (same names, camelCase); flags override it');
  // No defaults here, so that a config file's values hold; rollout-config.ts checks every value at once.
  addOptions(command, { env: {}, family: {} }, { checkValues: false }).addOption(tasksOption()).addOption(resetOptionsOption());
  addPeopleOptions(addAgentOptions(command, { kinds: ['expert', 'random', 'nothing', 'submit', 'give-up', 'replay', 'openai'], checkValues: false })).option(
    '--noise <p>',
    "with probability p, a step's expert call is replaced by a random candidate action, marked injected (--agent expert)",
    (value: string) => readNumber(value, '--noise', PROBABILITY, false),
  );
  addOptions(
    command,
    {
      episodes: { help: 'tasks per family (seeds SEED, SEED+1, ...)' },
      group: { help: 'samples per task (GRPO-style groups)' },
      parallel: {},
      maxSteps: {},
      split: {},
      seed: {},
    },
    { checkValues: false },
  )
    .option('--out <dir>', 'the run folder to write')
    .option('--resume', 'continue the run in --out: run exactly the episodes it lacks')
    .option('--view', 'serve the run in the web viewer as it is written and print its URL (as `workgym view`); it stays up after the rollout until Ctrl-C');
  // Checked as it is read (one line for a bad value); a config file's value is checked with the rest.
  addOptions(command, { reward: {} });
  addDryRunOption(command);
  addOptions(command, { runtime: { help: 'docker | local (default docker); with --queue each worker chooses its own' } }, { checkValues: false }).option(
    '--from <run>',
    'the run whose episodes the replay agent re-runs',
  );
  command
    .addOption(queueOption(`coordinate workers (\`workgym worker\`) through this Redis instead of running envs here; ${QUEUE_URL_FORMS}`))
    .addOption(queueNameOption());
  addOptions(command, { stepTimeoutS: {}, envTimeoutS: {}, episodeTimeoutS: {} }, { checkValues: false })
    .addHelpText(
      'after',
      `
Episodes: for each selected family, --episodes tasks (seeds --seed, --seed+1, ...), each run
--group times. Episode ids are <family>:<split>:<seed>:<sample>, so reruns are idempotent and
--resume runs exactly what is missing (with the run's agent, --group and --max-steps: a resume
that changes them is refused). Each env has its own warm pool of containers.

Parallelism: --parallel auto (the default) runs, per env, two episodes per core for a CPU-paced
agent (expert, random, replay, ...) and up to 8 per core for --agent openai (it waits on its
model server), as many as fit in 80% of the available memory shared by the run's envs (each
container's memory limit is its env's manifest's). Sessions are packed into containers as the
env's manifest allows (sessionsPerContainer), each container limited to the CPU of its sessions.
--parallel N asks for N per env; an N that does not fit in memory is cut, with a warning that says
why. The plan is printed as the run starts. See docs/rollouts.md.

Noise: with --agent expert --noise p, each step's expert call is replaced, with probability p, by
a random candidate action of the observation (the choice is a hash of --seed, the episode and the
step, so a rerun injects the same). The expert then carries on from the state that results, so the
run shows recovering from mistakes. Injected steps are marked in the record: exports keep them as
context and never as targets (weight 0), and preference pairs never choose them.

Task sets: --tasks [ENV=]PATH (repeatable) gives an env a file or folder of tasks to load beside
its own families (each task is a family <env>/<set>.<task id>, so --family selects them). Under
docker each is mounted read-only into the env's container; its files must be readable by others
(chmod -R o+rX PATH). Pass the same --tasks again with --resume. --reset-options JSON is passed
to every reset (family-specific; the env pages say which families read what); it is not part of
the episode ids.

Reward: each episode's final reward is its success, 0 or 1 (--reward success, the default): what a
trainer should be paid for. --reward shaped pays partial credit instead, computed by the env server
from the family's declared components (guards such as "nothing else changed" only take reward away;
later progress counts only once the earlier is right). Either way the record keeps the verdict's
components and the shaped reward (shaped_reward) for analysis. The mode is the run's: a resume
keeps it, and every worker of a queued run pays it.

Agents for family authors: --agent nothing takes no action until the step limit, --agent submit
submits at once; a family that pays either of them anything pays for no work. --agent give-up
calls report_infeasible at once: it must succeed exactly on the infeasible seeds of a family
with the infeasible feature (a quarter of them) and nowhere else.

Faults: an env that dies or hangs is replaced and the episode retried (up to 3 attempts, then
infra_error); an env that fails again at the same agent action on a fresh instance was broken by
the agent (env_broken, reward 0). An env that cannot start fails the run, which stays resumable.
An agent that makes the same calls and gets the same answer 5 steps in a row is looping: the
episode ends as stuck (a failure of the agent, reward 0).

Workers: with --queue URL the process runs no env: it plans the same episodes (same ids), queues
those the run lacks on Redis, and writes what \`workgym worker\` processes (on any machines) send
back; each episode is written once. --out, --resume and the summary work as without it; progress
is shown per env and per worker, with the reason of any job a worker could not serve. Each worker
chooses its runtime and pool size (workgym worker --runtime, --parallel), so --runtime and
--parallel are refused here, as is --agent replay (it reads --from on this machine). The password
(in the URL, or WORKGYM_REDIS_PASSWORD) is never printed nor stored: the run's manifest keeps the
URL without it. See docs/rollouts.md.

Examples:
  workgym rollout --agent expert --episodes 5 --out runs/expert
  workgym rollout --env browser --agent expert --episodes 20 --parallel 4 --out runs/browser4   # 4 per env, if they fit in memory
  workgym rollout --env code --family "code/*-fix-bug" --agent random --episodes 20 --group 4 --out runs/explore
  workgym rollout --env code --family "code/*-fix-bug" --agent random --episodes 20 --group 4 --reward shaped --out runs/shaped
  workgym rollout --env spreadsheet --family spreadsheet/computed-column --agent nothing --out runs/floor
  workgym rollout --env code --family code/py-fix-bug --agent expert --expert-variant sed --noise 0.2 --episodes 20 --out runs/recover
  workgym rollout --agent openai --model Qwen/Qwen3-8B --base-url http://localhost:8000/v1 --out runs/qwen
  workgym rollout --agent openai --model workgym-linear --base-url http://127.0.0.1:8100/v1 --candidates --out runs/bc
  workgym rollout --config rollout.json --resume
  workgym rollout --env browser --tasks miniwob-plusplus/miniwob --family "browser/miniwob.*" --agent nothing --out runs/miniwob
  workgym rollout --env code --family "code/*-fix-bug" --agent expert --episodes 50 --out runs/fix --dry-run   # the plan; starts nothing
  workgym rollout --env code --agent expert --episodes 50 --queue redis://127.0.0.1:6379 --out runs/queued   # with \`workgym worker\` processes`,
    )
    .action(lazy(async () => (await import('../actions/rollout.js')).rolloutCommand));
}

import type { Command } from 'commander';
import { addDryRunOption } from '../dry-run.js';
import { lazy } from '../lazy.js';
import { addOptions, numberOption, readList } from '../options.js';
import { QUEUE_URL_FORMS, queueNameOption, queueOption } from '../queue-options.js';
import { tasksOption } from '../task-sets.js';
import { LOCAL_WARNING } from './serve.js';

export function defineWorker(command: Command): void {
  command.addOption(queueOption(`the Redis the coordinator (\`workgym rollout --queue\`) queues episodes on: ${QUEUE_URL_FORMS}`)).addOption(queueNameOption());
  addOptions(command, {
    env: { help: "comma-separated envs to serve (default: all); the worker takes only these envs' episodes" },
    parallel: { help: "episodes in flight per env, or auto: from this machine's cores and free memory and each env's container limits", default: 'auto' },
    runtime: { help: "docker (the env's hardened container) | local (this host, unsafe: see below)", default: 'docker' },
  })
    .addOption(
      tasksOption(
        'a task set (file or folder) this worker serves to ENV, as `workgym rollout --tasks` names it: a job naming a task set not given here is refused; repeatable',
      ),
    )
    .addOption(numberOption('--drain-s <s>', 'on SIGTERM, seconds to finish the episodes in flight before giving the rest back to the queue', { above: 0 }, 60))
    .option(
      '--api-key-env <vars>',
      "the environment variables a job's openai agent may read its API key from (comma-separated; default OPENAI_API_KEY): a job naming another is refused",
      readList,
    );
  addDryRunOption(command, 'be served')
    .addHelpText(
      'after',
      `
The worker takes episodes of the envs it serves from the queue, plays each with the agent the
job names (an openai agent calls its model server from here, with the key from this machine's
environment), and sends the record, blobs included, to the coordinator, which alone writes the
run. Each episode is paid the reward its run asked for (\`workgym rollout --reward\`, success by
default): the job carries the mode, so every worker of a run pays the same. Each env gets a warm pool, started with its first episode, for --parallel episodes at once
(auto: sized from this machine's cores and free memory, as for a rollout of a CPU-paced agent;
give a number for openai agents, which wait on their model server). A job
this worker cannot serve (a bad payload, an env or task set it does not serve) fails with a
reason the coordinator prints; the worker goes on. A worker that dies mid-episode loses nothing:
once its heartbeat stops, the queue hands the episode to another worker.

Stopping: SIGTERM or Ctrl-C drains: no new episode is taken, those in flight finish or, past
--drain-s, are given back to the queue; then the worker exits 0. A second signal quits at once
(its episodes go to other workers once their heartbeat is missed). Under docker, the containers
of a worker that was killed are removed by the next workgym command that runs docker envs on that host (a worker, a rollout).

The password (in the URL, or WORKGYM_REDIS_PASSWORD) is never printed.

Warning: ${LOCAL_WARNING}

Examples:
  workgym worker --queue redis://127.0.0.1:6379 --env code --parallel 4
  workgym worker --queue rediss://workgym@redis.internal:6380 --queue-name nightly --runtime docker --drain-s 120`,
    )
    .action(lazy(async () => (await import('../actions/worker.js')).workerCommand));
}

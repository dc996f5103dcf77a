import { agentFromSpec, distributedRollout, parseQueueUrl, type DistributedOutcome, type QueueAddress } from '@workgym/agents/distributed';
import { agentSpecOf } from '../agent-spec.js';
import { envNames } from '../env-registry.js';
import { summaryTable } from '../progress.js';
import { stallMsFromEnvironment } from '../queue-address.js';
import { failedLine, queueProgressView, workerSummary } from '../queue-progress.js';
import { runPlanOptions, type RolloutCliConfig } from '../rollout-config.js';
import { assignTaskSets } from '../task-sets.js';
import { damagedRerunLine } from './rollout.js';
import { matchFamilies } from './select-envs.js';

// `workgym rollout --queue`: this process plans and writes the run; `workgym worker` processes
// play its episodes. It starts no env: the families are matched here (task sets included, so
// their paths must be the same on every machine) and each worker builds its own env servers.

/** The queue as a dry run's plan shows it (the URL is checked, the password left out). */
export function describeQueue(config: RolloutCliConfig): string {
  const address = queueAddress(config);
  return `${address.url}, name ${address.name ?? 'workgym'}: episodes are played by \`workgym worker\` processes`;
}

/** Coordinates the rollout on the queue, with progress per env and per worker, a graceful stop on SIGINT/SIGTERM and a summary. */
export async function coordinateRollout(config: RolloutCliConfig): Promise<DistributedOutcome> {
  const queue = queueAddress(config);
  const tasks = assignTaskSets(config.tasks, config.env, envNames());
  const matched = await matchFamilies(config.env, config.family, config.agent === 'expert' ? { variant: config.expertVariant } : undefined, tasks);
  const agentSpec = agentSpecOf(config);
  let view: ReturnType<typeof queueProgressView> | undefined;
  let handler: (() => void) | undefined;
  const outcome = await distributedRollout({
    queue,
    agentSpec,
    agentInfo: agentFromSpec(agentSpec).info,
    // A coordinator runs no env server: of a spec, only the env's task sets are read (they go in each job).
    envs: matched.map((e) => ({ name: e.name, families: e.families, spec: { tasks: tasks[e.name] } })),
    ...runPlanOptions(config),
    // The manifest keeps the URL without its password, and no runtime or pool size: the workers chose those.
    spec: { ...withoutWorkerChoices(config), queue: queue.url },
    stallMs: stallMsFromEnvironment(),
    onStart: (coordinator, writer, todo) => {
      const rerun = damagedRerunLine(writer.damaged, todo);
      if (rerun) process.stderr.write(`${rerun}\n`);
      process.stderr.write(
        `[rollout] ${todo.length} episode(s) queued on ${queue.url} (queue ${queue.name ?? 'workgym'}); ` +
          `start \`workgym worker --queue ${queue.url}${queue.name ? ` --queue-name ${queue.name}` : ''}\` where the envs run\n`,
      );
      let stopRequested = false;
      handler = () => {
        if (stopRequested) process.exit(130);
        stopRequested = true;
        process.stderr.write('\nstopping: the queued episodes stay on the queue (a --resume collects them); press Ctrl-C again to quit at once\n');
        coordinator.stop();
      };
      process.on('SIGINT', handler).on('SIGTERM', handler);
      view = queueProgressView(coordinator.stats);
    },
    onFailed: (failure) => process.stderr.write(`${failedLine(failure)}\n`),
    log: (line) => process.stderr.write(`[rollout] ${line}\n`),
  }).finally(() => {
    view?.stop();
    if (handler) process.off('SIGINT', handler).off('SIGTERM', handler);
  });
  console.log(`\n${summaryTable(outcome.stats)}\n\n${workerSummary(outcome.stats)}\n`);
  console.log(
    outcome.stopped || outcome.failed.length > 0
      ? `${outcome.stopped ? 'stopped' : 'ended'} with ${outcome.episodes} of ${outcome.planned} episodes in ${outcome.runDir}; finish with the same command and --resume`
      : `${outcome.episodes} episodes in ${outcome.runDir} (${outcome.skipped} were already there). Next: workgym data stats ${outcome.runDir}`,
  );
  if (outcome.failed.length > 0) process.exitCode = 1;
  return outcome;
}

function queueAddress(config: RolloutCliConfig): QueueAddress {
  return parseQueueUrl(config.queue!, process.env, config.queueName);
}

/** The options as the manifest keeps them: the runtime and pool size are the schema's defaults here, not what ran. */
function withoutWorkerChoices(config: RolloutCliConfig): Omit<RolloutCliConfig, 'runtime' | 'parallel'> {
  const { runtime: _runtime, parallel: _parallel, ...rest } = config;
  return rest;
}

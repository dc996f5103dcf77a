import { envNeeds, hostCapacity, planParallelism, type Parallel, type RolloutStats } from '@workgym/agents';
import type { RewardMode } from '@workgym/protocol';
import type { EnvServerSpec } from '@workgym/runtime';
import { embeddedTrainer, externalTrainer, transferJson, transferMatrix } from '@workgym/trainers/transfer';
import { openAIAgent, parseAgentOptions } from '../make-agent.js';
import { describePeople, peopleOptionProblems, peoplePlayer } from '../people-options.js';
import { UsageError } from '../usage-error.js';
import { describeFamilies, printPlan } from '../dry-run.js';
import { applyHoldOut, describeHeldOut, type HoldOutFlags } from '../held-out.js';
import { makeRuntime, matchFamilies, selectEnvs } from './select-envs.js';

interface TransferFlags extends HoldOutFlags {
  env?: string[];
  family?: string;
  trainEpisodes: number;
  testEpisodes: number;
  out?: string;
  runtime: 'docker' | 'local';
  maxSteps: number;
  parallel: Parallel;
  epochs: number;
  reward: RewardMode;
  trainerCommand?: string;
  baseUrl?: string;
  model?: string;
  baseline: boolean;
  peopleModel?: string;
  peopleBaseUrl?: string;
  json?: boolean;
  dryRun?: boolean;
}

export async function transfer(flags: TransferFlags): Promise<void> {
  if (!flags.out) throw new UsageError('--out DIR is required: where the matrix and its runs are written');
  const agent = parseAgentOptions(flags as unknown as Record<string, unknown>);
  if (flags.trainerCommand && (!agent.baseUrl || !agent.model))
    throw new UsageError('--trainer-command needs --base-url and --model (the policy before training)');
  const people = peopleOptionProblems(flags);
  if (people.length) throw new UsageError(people.join('; '));
  if (flags.dryRun) return planTransfer(flags);
  const runtime = await makeRuntime(flags.runtime);
  const envs = applyHoldOut(await selectEnvs(flags.env, flags.family, runtime.kind), flags);
  const started = performance.now();
  const result = await transferMatrix({
    runtime,
    envs,
    out: flags.out,
    trainer: flags.trainerCommand
      ? externalTrainer(flags.trainerCommand, { baseURL: agent.baseUrl!, model: agent.model! })
      : embeddedTrainer({ epochs: flags.epochs }),
    trainTasksPerFamily: flags.trainEpisodes,
    testTasksPerFamily: flags.testEpisodes,
    baseline: flags.baseline,
    // Each trained policy is evaluated greedily; the candidates let a candidate policy choose.
    agentFor: (endpoint) => openAIAgent({ ...agent, baseUrl: endpoint.baseURL, model: endpoint.model, candidates: true, temperature: 0 }, { maxRetries: 2 }),
    maxSteps: flags.maxSteps,
    reward: flags.reward,
    playPeople: await peoplePlayer(flags),
    parallel: sharedPoolSize(flags.parallel, envs),
    onProgress: setsProgress(),
    log: (line) => process.stderr.write(`[transfer] ${line}\n`),
  });
  if (envs.length === 1) process.stderr.write('[transfer] only one env is selected: the matrix has no cross-env cells yet\n');
  const files = `${result.files.markdown}, ${result.files.csv}, ${result.files.json}, ${result.files.png}`;
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  if (flags.json) {
    process.stderr.write(`[transfer] done in ${minutes} min; wrote ${files}\n`);
    console.log(transferJson(result));
  } else console.log(`done in ${minutes} min; wrote ${files}`);
}

/**
 * The matrix shares one warm pool per env of one size; auto takes the smallest env's auto lanes,
 * so that no env's share of the memory is exceeded (an explicit number is cut per env by the rollouts).
 */
function sharedPoolSize(parallel: Parallel, envs: readonly { name: string; spec: EnvServerSpec }[]): number {
  if (parallel !== 'auto') return parallel;
  const plan = planParallelism(
    'auto',
    envs.map((env) => envNeeds(env.spec, Number.POSITIVE_INFINITY)),
    hostCapacity(),
    'cpu',
  );
  return Math.min(...plan.map((env) => env.lanes));
}

/** --dry-run: the envs and families matched and the training sets of the matrix; nothing rolled out. */
async function planTransfer(flags: TransferFlags): Promise<void> {
  const envs = applyHoldOut(await matchFamilies(flags.env, flags.family), flags);
  const names = envs.map((e) => e.name);
  const sets = [
    ...names,
    ...(names.length > 1 ? ['all'] : []),
    ...(names.length > 2 ? names.map((n) => `all-but-${n}`) : []),
    ...(flags.baseline ? ['untrained'] : []),
  ];
  printPlan(`transfer matrix into ${flags.out}`, {
    envs: describeFamilies(envs),
    'held out': describeHeldOut(envs),
    'training sets': sets.join(', '),
    episodes: `${flags.trainEpisodes} expert train episodes and ${flags.testEpisodes} test episodes per family`,
    learner: flags.trainerCommand ?? `embedded, ${flags.epochs} epochs`,
    limits: `${flags.maxSteps} steps per episode, ${flags.parallel} in flight per env`,
    reward: flags.reward,
    people: describePeople(flags),
    runtime: flags.runtime,
  });
}

/** One stderr line, at most every 2 s: each set's episodes done of planned, over its envs. */
function setsProgress(): (sets: ReadonlyMap<string, RolloutStats>) => void {
  let last = 0;
  return (sets) => {
    const now = Date.now();
    if (now - last < 2000) return;
    last = now;
    const sum = (stats: RolloutStats, key: 'done' | 'total') => stats.envs.reduce((n, e) => n + e[key], 0);
    process.stderr.write(`[transfer] ${[...sets].map(([name, stats]) => `${name} ${sum(stats, 'done')}/${sum(stats, 'total')}`).join(', ')}\n`);
  };
}

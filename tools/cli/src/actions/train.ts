import type { Parallel } from '@workgym/agents';
import type { RewardMode } from '@workgym/protocol';
import { LinearPolicy, behaviourCloning, dagger, policyGradient, toDecisions } from '@workgym/trainers/learner';
import { EmbeddedUpdater, ExternalUpdater, formatComparison, rlLoop, samplingSeed } from '@workgym/trainers/loop';
import { computeAdvantages, formatAdvantageDiagnostics, scoredEpisodes, type AdvantageEstimator, type AdvantageScope } from '@workgym/trainers/rl';
import { readRecords, trainingEnvs } from '@workgym/trainers/eval';
import { refuseMixedVerifiers, refuseTestEpisodes, type EpisodeRecord } from '@workgym/trajectories';
import { METHODS } from '../commands/train.js';
import { describeFamilies, familyCount, printPlan } from '../dry-run.js';
import { applyHoldOut, declaredHeldOut, describeHeldOut, heldOutFamilies, type HoldOutFlags } from '../held-out.js';
import { openAIAgent, parseAgentOptions, type AgentOptions } from '../make-agent.js';
import { UsageError } from '../usage-error.js';
import { makeRuntime, matchFamilies, progressLine, selectEnvs } from './select-envs.js';

interface TrainFlags extends HoldOutFlags {
  from?: string[];
  method: string;
  out?: string;
  init?: string;
  includeTest?: boolean;
  mixVerifiers?: boolean;
  epochs?: number;
  lr?: number;
  pgStep: 'adagrad' | 'normalized';
  normalize: string;
  daggerRounds: number;
  online?: boolean;
  iterations: number;
  tasks: number;
  sampleRounds: number;
  evalEvery: number;
  evalTasks: number;
  evalTemperature: number;
  group: number;
  env?: string[];
  family?: string;
  runtime: 'docker' | 'local';
  maxSteps: number;
  parallel: Parallel;
  seed: number;
  reward: RewardMode;
  trainerCommand?: string;
  baseUrl?: string;
  model?: string;
  dryRun?: boolean;
}

export async function train(flags: TrainFlags): Promise<void> {
  if (!(METHODS as readonly string[]).includes(flags.method))
    throw new UsageError(`--method must be one of ${METHODS.join(', ')}, not ${JSON.stringify(flags.method)}`);
  if (!['none', 'env', 'family'].includes(flags.normalize)) throw new UsageError('--normalize must be none, env or family');
  if (!flags.out) throw new UsageError('--out DIR is required: the folder the policy (or the RL output) is written to');
  if (flags.online) return trainOnline(flags);
  if (!flags.from?.length)
    throw new UsageError('--from RUN is required (a run folder of episodes, e.g. from `workgym rollout --agent expert`), or use --online');
  const policy = flags.init ? await LinearPolicy.load(flags.init) : new LinearPolicy();
  const read = (await Promise.all(flags.from.map((dir) => readRecords(dir)))).flat();
  refuseTestEpisodes(read, flags.includeTest);
  refuseMixedVerifiers(read, flags.mixVerifiers);
  const records = await withoutHeldOut(read, flags);
  if (flags.dryRun) {
    const dagger = flags.daggerRounds > 0 ? applyHoldOut(await matchFamilies(flags.env, flags.family), flags) : undefined;
    return printPlan(`train ${flags.method} on ${records.length} episodes of ${flags.from.join(', ')} into ${flags.out}`, {
      start: flags.init ?? 'an untrained policy',
      epochs: flags.epochs ?? (flags.method === 'bc' ? 8 : 1),
      dagger:
        dagger &&
        `${flags.daggerRounds} rounds of ${flags.tasks} tasks per family on ${describeFamilies(trainingEnvs(dagger))}, runtime ${flags.runtime}; held out: ${describeHeldOut(dagger)}`,
    });
  }
  process.stderr.write(`[train] ${records.length} episodes from ${flags.from.join(', ')}\n`);
  if (flags.method === 'bc') {
    const report = behaviourCloning(policy, records, {
      epochs: flags.epochs ?? 8,
      learningRate: flags.lr,
      onEpoch: (epoch, loss) => process.stderr.write(`[train] epoch ${epoch + 1}: loss ${loss.toFixed(4)}\n`),
    });
    console.log(
      `behaviour cloning: ${report.examples} decisions from ${report.episodes} successful episodes (skipped: ${report.skipped.noCandidates} steps without candidates, ${report.skipped.unmatched} unmatched calls, ${report.skipped.injected} injected as noise)`,
    );
    if (flags.daggerRounds > 0) {
      const runtime = await makeRuntime(flags.runtime);
      const envs = trainingEnvs(trainable(applyHoldOut(await selectEnvs(flags.env, flags.family, runtime.kind), flags)));
      const result = await dagger(policy, {
        runtime,
        envs: envs.map((e) => ({ ...e, maxSteps: flags.maxSteps })),
        out: `${flags.out}/dagger`,
        rounds: flags.daggerRounds,
        tasksPerFamily: flags.tasks,
        initial: toDecisions(
          policy,
          records.filter((r) => r.success),
          () => 1,
        ).decisions,
        seed: 10_000 + flags.seed,
        parallel: flags.parallel,
        log: (line) => process.stderr.write(`[train] ${line}\n`),
      });
      console.log(`DAgger: ${result.rounds} rounds, ${result.decisions} decisions in all`);
    }
  } else {
    const scored = scoredEpisodes(records);
    const { advantages, diagnostics } = computeAdvantages(scored, {
      estimator: flags.method as AdvantageEstimator,
      normalize: flags.normalize as AdvantageScope,
    });
    for (const line of formatAdvantageDiagnostics(diagnostics)) process.stderr.write(`[train] ${line}\n`);
    const report = policyGradient(policy, records, advantages, { epochs: flags.epochs ?? 1, learningRate: flags.lr, step: flags.pgStep, method: flags.method });
    console.log(`${flags.method}: ${report.examples} decisions with a non-zero advantage from ${diagnostics.groups} groups`);
  }
  const path = await policy.save(flags.out);
  console.log(`wrote ${path}. Next: workgym serve-policy ${flags.out} --port 8100, or workgym eval --agent policy --policy ${flags.out}`);
}

async function trainOnline(flags: TrainFlags): Promise<void> {
  if (flags.method === 'bc') throw new UsageError('--online needs an RL --method: grpo, drgrpo or rloo');
  const agent = parseAgentOptions(flags as unknown as Record<string, unknown>);
  if (flags.trainerCommand && (!agent.baseUrl || !agent.model))
    throw new UsageError('--trainer-command needs --base-url and --model: the endpoint of the policy before the first update');
  if (flags.dryRun) return planOnline(flags, agent);
  const runtime = await makeRuntime(flags.runtime);
  const envs = trainable(applyHoldOut(await selectEnvs(flags.env, flags.family, runtime.kind), flags));
  if (envs.some((e) => e.heldOut.length)) process.stderr.write(`[rl] held out of training: ${describeHeldOut(envs)}\n`);
  const updater = flags.trainerCommand
    ? new ExternalUpdater({
        command: flags.trainerCommand,
        initial: { baseURL: agent.baseUrl!, model: agent.model! },
        log: (l) => process.stderr.write(`[rl] ${l}\n`),
      })
    : new EmbeddedUpdater({
        policy: flags.init ? await LinearPolicy.load(flags.init) : undefined,
        learningRate: flags.lr,
        epochs: flags.epochs,
        step: flags.pgStep,
        method: flags.method,
      });
  try {
    const result = await rlLoop({
      runtime,
      envs,
      updater,
      // On-policy sampling at temperature 1 from the current endpoint; candidates let a candidate policy choose.
      agentFor: (endpoint, iteration, sample) =>
        openAIAgent(
          { ...agent, baseUrl: endpoint.baseURL, model: endpoint.model, candidates: true, temperature: 1 },
          { seed: samplingSeed(flags.seed, iteration, flags.group, sample), maxRetries: 2 },
        ),
      out: flags.out!,
      iterations: flags.iterations,
      tasksPerIteration: flags.tasks,
      group: flags.group,
      estimator: flags.method as AdvantageEstimator,
      normalize: flags.normalize as AdvantageScope,
      seed: flags.seed,
      maxSteps: flags.maxSteps,
      parallel: flags.parallel,
      reward: flags.reward,
      maxSampleRounds: flags.sampleRounds,
      evaluation:
        flags.evalEvery > 0
          ? {
              every: flags.evalEvery,
              tasksPerFamily: flags.evalTasks,
              agentFor: (endpoint) =>
                openAIAgent(
                  { ...agent, baseUrl: endpoint.baseURL, model: endpoint.model, candidates: true, temperature: flags.evalTemperature },
                  { seed: 0, maxRetries: 2 },
                ),
            }
          : undefined,
      onProgress: progressLine('rl'),
      log: (l) => process.stderr.write(`[rl] ${l}\n`),
      onIteration: (s) =>
        process.stderr.write(
          `[rl] iteration ${s.iteration}: ${s.points.map((p) => `${p.env} reward ${p.meanReward.toFixed(3)} success ${(100 * p.successRate).toFixed(0)}%`).join(', ')}` +
            (flags.sampleRounds > 1 ? `; ${s.informativeGroups} informative groups in ${s.rounds} rounds, ${s.skippedGroups} skipped` : '') +
            '\n',
        ),
      onEvaluation: (e) =>
        process.stderr.write(
          `[rl] test after ${e.iteration} updates: ${e.points.map((p) => `${p.env} ${(100 * p.success.rate).toFixed(0)}% [${(100 * p.success.low).toFixed(0)}, ${(100 * p.success.high).toFixed(0)}] of ${p.success.n}`).join(', ')}\n`,
        ),
    });
    if (updater instanceof EmbeddedUpdater) await updater.policy.save(flags.out!);
    if (result.comparison) for (const line of formatComparison(result.comparison)) console.log(`test, last against first: ${line}`);
    console.log(
      `learning curves: ${result.csv}, ${result.testCsv ? `${result.testCsv}, ` : ''}${result.png}${updater instanceof EmbeddedUpdater ? `; policy: ${flags.out}/policy.json` : `; last endpoint ${result.endpoint.baseURL}`}`,
    );
  } finally {
    await updater.close();
  }
}

/** --dry-run of --online: the envs, the starting policy and the learner, checked; nothing rolled out. */
async function planOnline(flags: TrainFlags, agent: AgentOptions): Promise<void> {
  const envs = trainable(applyHoldOut(await matchFamilies(flags.env, flags.family), flags));
  if (flags.init && !flags.trainerCommand) await LinearPolicy.load(flags.init);
  const families = familyCount(trainingEnvs(envs));
  printPlan(`online ${flags.method} into ${flags.out}`, {
    envs: describeFamilies(envs),
    'held out': describeHeldOut(envs),
    iterations: `${flags.iterations} of ${families} families x ${flags.tasks} tasks x group ${flags.group} (up to ${flags.sampleRounds} sampling rounds)`,
    learner: flags.trainerCommand
      ? `${flags.trainerCommand} (starting from ${agent.model} at ${agent.baseUrl})`
      : `embedded, starting from ${flags.init ?? 'an untrained policy'}`,
    evaluation:
      flags.evalEvery > 0
        ? `every ${flags.evalEvery} iterations on ${flags.evalTasks} test tasks per family (held-out ones too), temperature ${flags.evalTemperature}`
        : undefined,
    limits: `${flags.maxSteps} steps per episode, ${flags.parallel} in flight per env`,
    reward: flags.reward,
    runtime: flags.runtime,
  });
}

/** The envs, refused when every family is held out: online training would have nothing to sample. */
function trainable<E extends { families: string[]; heldOut: string[] }>(envs: E[]): E[] {
  if (envs.every((e) => e.families.every((f) => e.heldOut.includes(f))))
    throw new UsageError('every family selected is held out of training: nothing to train on (--include-held-out trains on them, --hold-out picks others)');
  return envs;
}

/**
 * The offline episodes without those of held-out families (the catalogue's, or --hold-out's), so
 * a run of every family (the demo's, say) does not teach the families kept for unseen-family tests.
 */
async function withoutHeldOut(records: EpisodeRecord[], flags: TrainFlags): Promise<EpisodeRecord[]> {
  const families = [...new Set(records.map((r) => r.family ?? ''))];
  const declared = await declaredHeldOut([...new Set(records.map((r) => r.env ?? ''))]);
  const held = new Set(heldOutFamilies(families, declared, flags));
  const kept = records.filter((r) => !held.has(r.family ?? ''));
  if (kept.length < records.length)
    process.stderr.write(
      `[train] left out ${records.length - kept.length} episodes of held-out families (${[...held].sort().join(', ')}); --include-held-out learns from them\n`,
    );
  return kept;
}

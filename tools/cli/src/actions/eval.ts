import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RewardMode } from '@workgym/protocol';
import { GiveUpAgent, NothingAgent, RandomAgent, SubmitAgent, type Agent, type Parallel } from '@workgym/agents';
import { evaluateRecords, formatEvalMarkdown, readRecords, runEval, type EvalReport } from '@workgym/trainers/eval';
import { LinearPolicy } from '@workgym/trainers/learner';
import { PolicyServer } from '@workgym/trainers/serve';
import { formatSuiteMetrics, refuseMixedVerifiers, suiteMetrics, type EpisodeRecord } from '@workgym/trajectories';
import { AGENT_OPTIONS, agentFlag, type AgentOption } from '../agent-options.js';
import { describeFamilies, familyCount, printPlan } from '../dry-run.js';
import { expertAgent, openAIAgent, openAIAgentProblems, parseAgentOptions, type ExpertAsk } from '../make-agent.js';
import { envNames } from '../env-registry.js';
import { applyHoldOut, declaredHeldOut, describeHeldOut, heldOutFamilies } from '../held-out.js';
import { assignTaskSets, describeTaskSets } from '../task-sets.js';
import { describePeople, peopleOptionProblems, peoplePlayer } from '../people-options.js';
import { UsageError } from '../usage-error.js';
import { makeRuntime, matchFamilies, progressLine, selectEnvs } from './select-envs.js';

/** The agents eval runs new episodes with (commands/eval.ts offers the same). */
const EVAL_AGENTS = ['expert', 'random', 'nothing', 'submit', 'give-up', 'openai', 'policy'];
const EVAL_AGENTS_LISTED = `${EVAL_AGENTS.slice(0, -1).join(', ')} or ${EVAL_AGENTS.at(-1)}`;

interface EvalFlags extends Partial<Record<AgentOption, unknown>> {
  /** Family globs reported as held out in place of the catalogue's held-out families. */
  holdOut?: string;
  run?: string;
  mixVerifiers?: boolean;
  agent?: string;
  policy?: string;
  env?: string[];
  family?: string;
  tasks?: string[];
  resetOptions?: Record<string, unknown>;
  peopleModel?: string;
  peopleBaseUrl?: string;
  /** Absent: success (no commander default, so that --run can refuse it). */
  reward?: RewardMode;
  split: string;
  episodes: number;
  group: number;
  seed: number;
  maxSteps: number;
  parallel: Parallel;
  runtime: 'docker' | 'local';
  out?: string;
  k?: number[];
  excludeInfraErrors?: boolean;
  expertVariant?: string;
  json?: string;
  markdown?: string;
  dryRun?: boolean;
}

export async function evaluate(flags: EvalFlags): Promise<void> {
  if (flags.dryRun) return planEval(flags);
  const ks = flags.k?.filter((k) => k > 0);
  const excludeInfraErrors = flags.excludeInfraErrors;
  let report: EvalReport;
  let records: EpisodeRecord[];
  let title: string;
  if (flags.run) {
    refuseAgentOptions(flags);
    records = await readRecords(flags.run);
    refuseMixedVerifiers(records, flags.mixVerifiers);
    report = evaluateRecords(records, { ks, excludeInfraErrors, heldOut: await runHeldOut(records, flags) });
    title = `Evaluation of ${flags.run}`;
  } else {
    checkAgentFlags(flags);
    const tasks = assignTaskSets(flags.tasks, flags.env, envNames());
    const runtime = await makeRuntime(flags.runtime);
    const envs = applyHoldOut(await selectEnvs(flags.env, flags.family, runtime.kind, expertAsk(flags), tasks), flags);
    const { agent, close } = await makeEvalAgent(flags);
    try {
      const out = flags.out ?? join(await mkdtemp(join(tmpdir(), 'workgym-eval-')), 'run');
      const result = await runEval({
        runtime,
        envs,
        agent,
        out,
        split: flags.split,
        tasksPerFamily: flags.episodes,
        group: flags.group,
        seed: flags.seed,
        maxSteps: flags.maxSteps,
        parallel: flags.parallel,
        resetOptions: flags.resetOptions,
        reward: flags.reward ?? 'success',
        playPeople: await peoplePlayer(flags),
        ks,
        excludeInfraErrors,
        onProgress: progressLine('eval'),
        log: (line) => process.stderr.write(`[eval] ${line}\n`),
      });
      report = result.report;
      records = result.records;
      title = `Evaluation of ${agent.info.kind}${agent.info.model ? ` ${agent.info.model}` : ''} on the ${flags.split} split`;
      process.stderr.write(`[eval] episodes in ${out}\n`);
    } finally {
      await close();
    }
  }
  // A task set of a public benchmark also gets the benchmark's own metric (MiniWoB mean reward, SpreadsheetBench soft/hard, pass@1).
  const suites = suiteMetrics(records);
  const markdown = [formatEvalMarkdown(report, title), formatSuiteMetrics(suites)].filter(Boolean).join('\n\n');
  console.log(markdown);
  if (flags.markdown) await writeFile(flags.markdown, markdown + '\n');
  if (flags.json) await writeFile(flags.json, JSON.stringify({ ...report, suites }, null, 2) + '\n');
}

/** --dry-run: what evaluate checks before it starts (the run read, or the agent and envs), then the plan. */
async function planEval(flags: EvalFlags): Promise<void> {
  const written = [flags.json, flags.markdown].filter(Boolean).join(', ') || undefined;
  if (flags.run) {
    refuseAgentOptions(flags);
    const records = await readRecords(flags.run);
    refuseMixedVerifiers(records, flags.mixVerifiers);
    const heldOut = [...(await runHeldOut(records, flags))].sort();
    printPlan(`evaluate the ${records.length} episodes of ${flags.run}`, {
      'pass@k for k': flags.k?.join(', '),
      'held-out families': heldOut.join(', ') || 'none',
      writes: written,
    });
    return;
  }
  const agent = checkAgentFlags(flags);
  const tasks = assignTaskSets(flags.tasks, flags.env, envNames());
  const envs = applyHoldOut(await matchFamilies(flags.env, flags.family, expertAsk(flags), tasks), flags);
  if (agent === 'policy') await LinearPolicy.load(flags.policy!);
  const families = familyCount(envs);
  printPlan(`evaluate ${agent}${flags.policy ? ` ${flags.policy}` : ''}${flags.model ? ` ${String(flags.model)}` : ''} on the ${flags.split} split`, {
    envs: describeFamilies(envs),
    'held out': describeHeldOut(envs),
    tasks: describeTaskSets(tasks),
    'reset options': flags.resetOptions && JSON.stringify(flags.resetOptions),
    people: describePeople(flags),
    reward: flags.reward ?? 'success',
    episodes: `${families} families x ${flags.episodes} tasks x group ${flags.group} = ${families * flags.episodes * flags.group}, seeds ${flags.seed}..${flags.seed + flags.episodes - 1}`,
    limits: `${flags.maxSteps} steps per episode, ${flags.parallel} in flight per env`,
    runtime: flags.runtime,
    out: flags.out ?? 'a temporary folder',
    writes: written,
  });
}

/**
 * The run's held-out families: those --hold-out names among the run's families, else those the
 * catalogues of the registered envs hold out now (the records name each episode's env and family).
 */
async function runHeldOut(records: readonly EpisodeRecord[], flags: EvalFlags): Promise<Set<string>> {
  const families = [...new Set(records.map((r) => r.family ?? ''))].sort();
  const declared = flags.holdOut === undefined ? await declaredHeldOut([...new Set(records.map((r) => r.env ?? ''))]) : [];
  return new Set(heldOutFamilies(families, declared, flags));
}

function expertAsk(flags: EvalFlags): ExpertAsk | undefined {
  return flags.agent === 'expert' ? { variant: flags.expertVariant } : undefined;
}

/** The agent kind asked for, with its options checked as makeEvalAgent checks them. */
function checkAgentFlags(flags: EvalFlags): string {
  if (!flags.agent) throw new UsageError('give --run DIR to evaluate a run, or --agent expert|random|openai|policy to run new episodes');
  if (flags.expertVariant && flags.agent !== 'expert') throw new UsageError('--expert-variant is for --agent expert');
  if (!EVAL_AGENTS.includes(flags.agent)) throw new UsageError(`--agent must be ${EVAL_AGENTS_LISTED}, not ${JSON.stringify(flags.agent)}`);
  const options = parseAgentOptions(flags as unknown as Record<string, unknown>, { temperature: 0 });
  if (flags.agent === 'openai' && openAIAgentProblems(options).length) throw new UsageError(openAIAgentProblems(options).join('; '));
  if (flags.agent === 'policy' && !flags.policy) throw new UsageError('--agent policy needs --policy DIR (a folder from `workgym train`)');
  const people = peopleOptionProblems(flags);
  if (people.length) throw new UsageError(people.join('; '));
  return flags.agent;
}

/**
 * --run scores the episodes a run holds, as its agent played them: an option that says how to
 * play new episodes (--agent, --expert-variant, --model, ...) could change nothing, so it is refused.
 */
function refuseAgentOptions(flags: EvalFlags): void {
  if (flags.agent) throw new UsageError('give either --run (evaluate a run) or --agent (run new episodes), not both');
  const given = [
    ...AGENT_OPTIONS.filter((key) => flags[key] !== undefined).map(agentFlag),
    ...(flags.policy ? ['--policy'] : []),
    ...(flags.tasks ? ['--tasks'] : []),
    ...(flags.resetOptions ? ['--reset-options'] : []),
    ...(flags.peopleModel ? ['--people-model'] : []),
    ...(flags.peopleBaseUrl ? ['--people-base-url'] : []),
    ...(flags.reward ? ['--reward'] : []),
  ];
  if (given.length === 0) return;
  throw new UsageError(
    `--run scores the episodes ${flags.run} holds as they were played, so ${given.join(', ')} (how to play new episodes, with --agent) cannot change them; drop ${given.length === 1 ? 'it' : 'them'}`,
  );
}

async function makeEvalAgent(flags: EvalFlags): Promise<{ agent: Agent; close: () => Promise<void> }> {
  const options = parseAgentOptions(flags as unknown as Record<string, unknown>, { temperature: 0 });
  const none = async () => undefined;
  switch (flags.agent) {
    case 'expert':
      return { agent: expertAgent(options), close: none };
    case 'random':
      return { agent: new RandomAgent(flags.seed), close: none };
    case 'nothing':
      return { agent: new NothingAgent(), close: none };
    case 'submit':
      return { agent: new SubmitAgent(), close: none };
    case 'give-up':
      return { agent: new GiveUpAgent(), close: none };
    case 'openai':
      return { agent: openAIAgent(options), close: none };
    case 'policy': {
      if (!flags.policy) throw new UsageError('--agent policy needs --policy DIR (a folder from `workgym train`)');
      const server = await PolicyServer.start({ policy: await LinearPolicy.load(flags.policy) });
      // The served policy chooses among candidates, so the agent always sends them.
      const agent = openAIAgent({ ...options, baseUrl: server.baseURL, model: server.model, candidates: true }, { maxRetries: 2 });
      return { agent, close: () => server.close() };
    }
    default:
      throw new UsageError(`--agent must be ${EVAL_AGENTS_LISTED}, not ${JSON.stringify(flags.agent)}`);
  }
}

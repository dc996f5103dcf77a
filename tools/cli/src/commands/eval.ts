import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { RandomAgent, type Agent } from '@workgym/agents';
import { evaluateRecords, formatEvalMarkdown, LinearPolicy, PolicyServer, readRecords, runEval, type EvalReport } from '@workgym/trainers';
import { addAgentOptions, expertAgent, openAIAgent, parseAgentOptions } from '../agent-options.js';
import { UsageError } from '../usage-error.js';
import { makeRuntime, progressLine, selectEvalEnvs } from './train.js';

interface EvalFlags {
  run?: string;
  agent?: string;
  policy?: string;
  env?: string[];
  family?: string;
  split: string;
  episodes: string;
  group: string;
  seed: string;
  maxSteps: string;
  parallel: string;
  runtime: string;
  out?: string;
  k?: string;
  excludeInfraErrors?: boolean;
  expertVariant?: string;
  json?: string;
  markdown?: string;
}

const num = (flag: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
};

export function registerEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description('success per env, family and job with 95% Wilson intervals, pass@k, mean steps and tokens')
    .option('--run <dir>', 'evaluate the episodes of an existing run instead of running new ones');
  addAgentOptions(command, {
    kinds: ['expert', 'random', 'openai', 'policy'],
    help: {
      agent: 'expert | random | openai | policy (a saved embedded policy, served for you)',
      temperature: 'sampling temperature, 0 to 2 (default 0: greedy; --agent openai or policy)',
    },
  })
    .option('--policy <dir>', 'the policy folder (--agent policy)')
    .option('--env <names>', 'comma-separated envs (default: all)', (v: string) => v.split(',').filter(Boolean))
    .option('--family <glob>', 'only families whose id matches')
    .option('--split <split>', 'train | test', 'test')
    .option('--episodes <n>', 'tasks per family', '10')
    .option('--group <n>', 'rollouts per task (for pass@k)', '1')
    .option('--seed <n>', 'first task seed', '0')
    .option('--max-steps <n>', 'step limit per episode', '30')
    .option('--parallel <n>', 'episodes in flight per env', '2')
    .option('--runtime <kind>', 'docker | local', 'docker')
    .option('--out <dir>', 'run folder for the new episodes (default: a temporary folder)')
    .option('--k <list>', 'comma-separated k for pass@k (default 1, 2, 4, ... up to the group size)')
    .option('--exclude-infra-errors', 'leave episodes lost to infrastructure faults (infra_error) out of the rates instead of counting them as failures')
    .option('--json <file>', 'also write the report as JSON')
    .option('--markdown <file>', 'also write the markdown report to a file')
    .addHelpText(
      'after',
      `
Prints a markdown report. Success counts only verified successes (agent errors, envs the agent
broke and infra errors count as failures and are listed; --exclude-infra-errors leaves infra
errors out of the rates, still saying how many there were). pass@k is the unbiased estimator over
tasks with >= k rollouts.

Examples:
  workgym eval --run runs/qwen
  workgym eval --agent policy --policy policies/bc --env code --episodes 30 --runtime local
  workgym eval --agent openai --model Qwen/Qwen3-8B --base-url http://localhost:8000/v1 --group 4 --json eval.json
  workgym eval --agent random --env code --family "code/sql-*" --episodes 20`,
    )
    .action(async (flags: EvalFlags) => {
      const ks = flags.k ? flags.k.split(',').map((k) => num('--k', k)).filter((k) => k > 0) : undefined;
      const excludeInfraErrors = flags.excludeInfraErrors;
      let report: EvalReport;
      let title: string;
      if (flags.run) {
        if (flags.agent) throw new UsageError('give either --run (evaluate a run) or --agent (run new episodes), not both');
        report = evaluateRecords(await readRecords(flags.run), { ks, excludeInfraErrors });
        title = `Evaluation of ${flags.run}`;
      } else {
        if (!flags.agent) throw new UsageError('give --run DIR to evaluate a run, or --agent expert|random|openai|policy to run new episodes');
        if (flags.expertVariant && flags.agent !== 'expert') throw new UsageError('--expert-variant is for --agent expert');
        const runtime = await makeRuntime(flags.runtime);
        const envs = await selectEvalEnvs(flags.env, flags.family, runtime.kind, flags.expertVariant);
        const { agent, close } = await makeEvalAgent(flags);
        try {
          const out = flags.out ?? join(await mkdtemp(join(tmpdir(), 'workgym-eval-')), 'run');
          const result = await runEval({
            runtime,
            envs,
            agent,
            out,
            split: flags.split,
            tasksPerFamily: num('--episodes', flags.episodes),
            group: num('--group', flags.group),
            seed: num('--seed', flags.seed),
            maxSteps: num('--max-steps', flags.maxSteps),
            parallel: num('--parallel', flags.parallel),
            ks,
            excludeInfraErrors,
            onProgress: progressLine('eval'),
          });
          report = result.report;
          title = `Evaluation of ${agent.info.kind}${agent.info.model ? ` ${agent.info.model}` : ''} on the ${flags.split} split`;
          process.stderr.write(`[eval] episodes in ${out}\n`);
        } finally {
          await close();
        }
      }
      const markdown = formatEvalMarkdown(report, title);
      console.log(markdown);
      if (flags.markdown) await writeFile(flags.markdown, markdown + '\n');
      if (flags.json) await writeFile(flags.json, JSON.stringify(report, null, 2) + '\n');
    });
}

async function makeEvalAgent(flags: EvalFlags): Promise<{ agent: Agent; close: () => Promise<void> }> {
  const options = parseAgentOptions(flags as unknown as Record<string, unknown>, { temperature: 0 });
  const none = async () => undefined;
  switch (flags.agent) {
    case 'expert':
      return { agent: expertAgent(options), close: none };
    case 'random':
      return { agent: new RandomAgent(num('--seed', flags.seed)), close: none };
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
      throw new UsageError(`--agent must be expert, random, openai or policy, not ${JSON.stringify(flags.agent)}`);
  }
}

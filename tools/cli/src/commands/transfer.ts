import type { Command } from 'commander';
import { embeddedTrainer, externalTrainer, transferMatrix } from '@workgym/trainers';
import { addAgentOptions, openAIAgent, parseAgentOptions } from '../agent-options.js';
import { UsageError } from '../usage-error.js';
import { makeRuntime, progressLine, selectEvalEnvs } from './train.js';

interface TransferFlags {
  env?: string[];
  family?: string;
  trainEpisodes: string;
  testEpisodes: string;
  out?: string;
  runtime: string;
  maxSteps: string;
  parallel: string;
  epochs: string;
  trainerCommand?: string;
  baseUrl?: string;
  model?: string;
  baseline: boolean;
}

const num = (flag: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number >= 1, not ${JSON.stringify(value)}`);
  return n;
};

export function registerTransferCommand(program: Command): void {
  const command = program
    .command('transfer')
    .description('train on each env alone, on all envs and on all but one; test on every env; write the transfer matrix')
    .option('--env <names>', 'comma-separated envs (default: all)', (v: string) => v.split(',').filter(Boolean))
    .option('--family <glob>', 'only families whose id matches')
    .option('--train-episodes <n>', 'expert episodes per family to train on (train split)', '20')
    .option('--test-episodes <n>', 'test episodes per family (test split)', '10')
    .option('--out <dir>', 'output folder: transfer.md, transfer.csv, transfer.json, transfer.png and every run')
    .option('--runtime <kind>', 'docker | local', 'docker')
    .option('--max-steps <n>', 'step limit per episode', '30')
    .option('--parallel <n>', 'episodes in flight per env', '2')
    .option('--epochs <n>', 'behaviour-cloning epochs of the embedded learner', '8')
    .option('--trainer-command <cmd>', 'train with an external trainer instead (gets {batch}: the expert episodes; prints the endpoint)')
    .option('--no-baseline', 'leave out the untrained-policy row');
  addAgentOptions(command, {
    only: ['baseUrl', 'model', 'apiKeyEnv', 'context'],
    help: {
      baseUrl: 'with --trainer-command: the endpoint before training (passed as {endpoint})',
      model: 'with --trainer-command: the model name before training',
    },
  })
    .addHelpText(
      'after',
      `
Training sets: each env alone, all envs (2+ envs), and all-but-<env> for each env (3+ envs),
plus an "untrained" baseline row. Each set's policy is evaluated greedily on every env's test
split; cells are success rates with 95% Wilson intervals.

Examples:
  workgym transfer --out transfer/ --runtime local --train-episodes 20 --test-episodes 10
  workgym transfer --env code,browser --family "*/*question*" --out transfer/q
  workgym transfer --trainer-command "python sft.py {batch}" --base-url http://localhost:8000/v1 --model base --out transfer/ext`,
    )
    .action(async (flags: TransferFlags) => {
      if (!flags.out) throw new UsageError('--out DIR is required: where the matrix and its runs are written');
      const agent = parseAgentOptions(flags as unknown as Record<string, unknown>);
      if (flags.trainerCommand && (!agent.baseUrl || !agent.model)) throw new UsageError('--trainer-command needs --base-url and --model (the policy before training)');
      const runtime = await makeRuntime(flags.runtime);
      const envs = await selectEvalEnvs(flags.env, flags.family, runtime.kind);
      const result = await transferMatrix({
        runtime,
        envs,
        out: flags.out,
        trainer: flags.trainerCommand ? externalTrainer(flags.trainerCommand, { baseURL: agent.baseUrl!, model: agent.model! }) : embeddedTrainer({ epochs: num('--epochs', flags.epochs) }),
        trainTasksPerFamily: num('--train-episodes', flags.trainEpisodes),
        testTasksPerFamily: num('--test-episodes', flags.testEpisodes),
        baseline: flags.baseline,
        // Each trained policy is evaluated greedily; the candidates let a candidate policy choose.
        agentFor: (endpoint) => openAIAgent({ ...agent, baseUrl: endpoint.baseURL, model: endpoint.model, candidates: true, temperature: 0 }, { maxRetries: 2 }),
        maxSteps: num('--max-steps', flags.maxSteps),
        parallel: num('--parallel', flags.parallel),
        onProgress: progressLine('transfer'),
        log: (line) => process.stderr.write(`[transfer] ${line}\n`),
      });
      if (envs.length === 1) process.stderr.write('[transfer] only one env is selected: the matrix has no cross-env cells yet\n');
      console.log(`wrote ${result.files.markdown}, ${result.files.csv}, ${result.files.json}, ${result.files.png}`);
    });
}

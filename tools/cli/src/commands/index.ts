import type { Command } from 'commander';

/**
 * A command as `workgym --help` lists it, and the module that defines the rest of it (options,
 * help, action). Only the command a command line names has its module loaded; a command with
 * subcommands lists them the same way, so `workgym data stats` loads nothing of `data sft`.
 */
interface CommandEntry {
  name: string;
  args?: readonly (readonly [name: string, description?: string])[];
  summary: string;
  define?: () => Promise<(command: Command) => void>;
  subcommands?: readonly CommandEntry[];
}

const DATA_COMMANDS: readonly CommandEntry[] = [
  {
    name: 'stats',
    args: [['<run>']],
    summary: 'episodes, success rate, steps, tokens, attempts and statuses, by env, family and job; warns of damaged records',
    define: async () => (await import('./data.js')).defineStats,
  },
  {
    name: 'show',
    args: [['<run>'], ['<episode>']],
    summary: 'print one episode as a readable transcript',
    define: async () => (await import('./data.js')).defineShow,
  },
  {
    name: 'export',
    args: [['<run>']],
    summary: 'write training data: chat SFT, preference pairs, RL rows or protobuf records',
    define: async () => (await import('./data-export.js')).defineExport,
  },
  {
    name: 'verify',
    args: [['<run>']],
    summary: 'check every checksum, blob hash, count and digest of a run; exits 1 on damage',
    define: async () => (await import('./data.js')).defineVerify,
  },
  {
    name: 'repair',
    args: [['<run>']],
    summary: 'copy the good episodes of a damaged run, and the blobs they name, to a new run; says what it left out',
    define: async () => (await import('./data.js')).defineRepair,
  },
  {
    name: 'rescore',
    args: [['<run>']],
    summary: "replay a run's episodes on fresh envs, re-verify them with today's verifiers and write the new verdicts as a new run",
    define: async () => (await import('./data-rescore.js')).defineDataRescore,
  },
  {
    name: 'sft',
    args: [['<run>']],
    summary: 'write token-level SFT data: input ids, loss masks, weights, packed; the template is checked first',
    define: async () => (await import('./data-sft.js')).defineDataSft,
  },
];

const COMMANDS: readonly CommandEntry[] = [
  { name: 'envs', summary: 'list the environments, their task families, jobs and tools', define: async () => (await import('./envs.js')).defineEnvs },
  { name: 'images', summary: 'build, list and prune env images (no registry needed)', define: async () => (await import('./images.js')).defineImages },
  {
    name: 'serve',
    args: [['<env>']],
    summary: 'run an env server on stdin/stdout (the workgym protocol; see envs/protocol/proto/workgym.proto)',
    define: async () => (await import('./serve.js')).defineServe,
  },
  {
    name: 'mcp',
    args: [['<env>']],
    summary: "serve an env as an MCP server (stdio, or HTTP with --port): the env's tools, start a task, submit, read the verdict",
    define: async () => (await import('./mcp.js')).defineMcp,
  },
  {
    name: 'gateway',
    summary: 'serve env sessions from warm local pools over WebSocket to trainers on other machines (bearer token, per-client caps)',
    define: async () => (await import('./gateway.js')).defineGateway,
  },
  {
    name: 'check',
    args: [['[envs...]']],
    summary: 'run the conformance suite (checkEnv) against envs served by a runtime',
    define: async () => (await import('./check.js')).defineCheck,
  },
  {
    name: 'env',
    summary: 'start an env package outside the repository',
    subcommands: [
      {
        name: 'init',
        args: [['<name>', 'the env, in kebab-case, e.g. ticket-triage']],
        summary: 'write a working env package (manifest, one family with expert and verifier, tools, image, README, test)',
        define: async () => (await import('./env.js')).defineEnvInit,
      },
    ],
  },
  {
    name: 'family',
    summary: 'start a new task family from a working shape of its env (a repository checkout)',
    define: async () => (await import('./family.js')).defineFamily,
    subcommands: [
      {
        name: 'new',
        args: [['<env/name>', 'the new family, e.g. code/parse-duration']],
        summary: 'write a family file from a shape, register it, add its doc row, and print the commands that check it',
        define: async () => (await import('./family.js')).defineFamilyNew,
      },
    ],
  },
  {
    name: 'rollout',
    summary: 'run many episodes across envs in parallel and write them to a run folder',
    define: async () => (await import('./rollout.js')).defineRollout,
  },
  {
    name: 'worker',
    summary: 'play the episodes a coordinator (rollout --queue) queues on Redis, with local env pools, until SIGTERM drains it',
    define: async () => (await import('./worker.js')).defineWorker,
  },
  {
    name: 'demo',
    summary: 'roll out expert and random agents across every env and show what was recorded',
    define: async () => (await import('./demo.js')).defineDemo,
  },
  {
    name: 'data',
    summary: 'inspect, check and export recorded runs',
    define: async () => (await import('./data.js')).defineData,
    subcommands: DATA_COMMANDS,
  },
  {
    name: 'train',
    summary: 'train the embedded policy from a run (bc, grpo, drgrpo, rloo), or run the online RL loop (--online)',
    define: async () => (await import('./train.js')).defineTrain,
  },
  {
    name: 'serve-policy',
    args: [['<dir>', 'the policy folder (from `workgym train`)']],
    summary: 'serve a trained embedded policy behind an OpenAI-compatible chat-completions endpoint',
    define: async () => (await import('./serve-policy.js')).defineServePolicy,
  },
  {
    name: 'eval',
    summary: 'success per env, family and job with 95% Wilson intervals, pass@k, mean steps and tokens',
    define: async () => (await import('./eval.js')).defineEval,
    subcommands: [
      {
        name: 'compare',
        args: [
          ['<runA>', 'the baseline run'],
          ['<runB>', 'the run compared with it'],
        ],
        summary: 'B against A on the same tasks: difference in success per env, family and job, paired 95% interval, exact McNemar p',
        define: async () => (await import('./eval-compare.js')).defineEvalCompare,
      },
    ],
  },
  {
    name: 'view',
    args: [['[sources...]', 'run folders, training folders, eval JSON files, transfer folders']],
    summary: 'browse runs, episodes, evals and transfer in a local web app (read-only; live while a run is written), or write it as a static site (--bundle)',
    define: async () => (await import('./view.js')).defineView,
  },
  {
    name: 'transfer',
    summary: 'train on each env alone, on all envs and on all but one; test on every env; write the transfer matrix',
    define: async () => (await import('./transfer.js')).defineTransfer,
  },
];

/**
 * Adds every command to the program; the one the arguments name (`workgym help <command>`
 * included) is defined in full. `workgym --help` so loads no command's module.
 */
export async function addCommands(program: Command, args: readonly string[]): Promise<void> {
  await addEntries(
    program,
    COMMANDS,
    args.filter((arg) => !arg.startsWith('-')),
  );
}

async function addEntries(parent: Command, entries: readonly CommandEntry[], words: readonly string[]): Promise<void> {
  // `help <command>` asks for that command's help: it is the one to define.
  const [named, ...rest] = words[0] === 'help' ? words.slice(1) : words;
  for (const entry of entries) {
    const command = parent.command(entry.name).description(entry.summary);
    for (const [name, description] of entry.args ?? []) command.argument(name, description);
    if (entry.name !== named) continue;
    if (entry.define) (await entry.define())(command);
    if (entry.subcommands) await addEntries(command, entry.subcommands, rest);
  }
}

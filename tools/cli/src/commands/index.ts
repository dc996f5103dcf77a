import type { Command } from 'commander';

/**
 * A command as `workgym --help` lists it, and the module that defines the rest of it (options,
 * help, action). Only the command a command line names has its module loaded.
 */
interface CommandEntry {
  name: string;
  args?: readonly (readonly [name: string, description?: string])[];
  summary: string;
  define: () => Promise<(command: Command) => void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'envs', summary: 'list the environments, their task families, jobs and tools', define: async () => (await import('./envs.js')).defineEnvs },
  { name: 'images', summary: 'build, list and prune env images (no registry needed)', define: async () => (await import('./images.js')).defineImages },
  {
    name: 'serve',
    args: [['<env>']],
    summary: 'run an env server on stdin/stdout (the workgym protocol; see envs/protocol/proto/workgym.proto)',
    define: async () => (await import('./serve.js')).defineServe,
  },
  {
    name: 'check',
    args: [['[envs...]']],
    summary: 'run the conformance suite (checkEnv) against envs served by a runtime',
    define: async () => (await import('./check.js')).defineCheck,
  },
  { name: 'rollout', summary: 'run many episodes across envs in parallel and write them to a run folder', define: async () => (await import('./rollout.js')).defineRollout },
  { name: 'demo', summary: 'roll out expert and random agents across every env and show what was recorded', define: async () => (await import('./demo.js')).defineDemo },
  { name: 'data', summary: 'inspect, check and export recorded runs', define: async () => (await import('./data.js')).defineData },
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
  const words = args.filter((arg) => !arg.startsWith('-'));
  const named = words[0] === 'help' ? words[1] : words[0];
  for (const entry of COMMANDS) {
    const command = program.command(entry.name).description(entry.summary);
    for (const [name, description] of entry.args ?? []) command.argument(name, description);
    if (entry.name === named) (await entry.define())(command);
  }
}

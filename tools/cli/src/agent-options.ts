import type { Command } from 'commander';
import { z } from 'zod';
import { OpenAIAgent, parsePolicy, type OpenAIAgentOptions } from '@workgym/agents';
import { UsageError } from './usage-error.js';

// The options of every command that runs an agent (rollout, eval, train, transfer), defined once:
// the same flag names, help, validation and meaning everywhere, and the same OpenAIAgent built
// from them. A config file (rollout --config) uses the same names in camelCase.

/** Validation of the openai agent's options (flags and config keys alike). */
export const agentOptionsShape = {
  model: z.string().min(1).optional(),
  baseUrl: z.string().url().optional(),
  apiKeyEnv: z.string().min(1).default('OPENAI_API_KEY'),
  candidates: z.boolean().default(false),
  context: z.string().regex(/^(full|(window|memory):[1-9]\d*)$/, 'full, window:N or memory:N (N >= 1)').default('full'),
  temperature: z.number().min(0).max(2).optional(),
  selfEvaluate: z.boolean().default(false),
};

const agentOptionsSchema = z.object(agentOptionsShape);
export type AgentOptions = z.infer<typeof agentOptionsSchema>;
export type AgentOption = keyof typeof agentOptionsShape;

const number = (value: string) => Number(value);

/** Each option's flag and help; `(--agent openai)` is added where the command has other agents. */
const FLAGS: Record<AgentOption, { flags: string; help: string; parse?: (value: string) => unknown }> = {
  model: { flags: '--model <name>', help: 'model name to ask the endpoint for' },
  baseUrl: { flags: '--base-url <url>', help: 'OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 or a `workgym serve-policy` URL' },
  apiKeyEnv: { flags: '--api-key-env <var>', help: 'environment variable holding the API key (default OPENAI_API_KEY; "none" is sent when unset)' },
  candidates: {
    flags: '--candidates',
    help: "send the observation's candidate actions as workgym_candidates: needed by policies that choose among them (`workgym serve-policy`); hosted APIs may reject the field",
  },
  context: { flags: '--context <policy>', help: 'what of the history the model is shown: full | window:N | memory:N (default full)' },
  temperature: { flags: '--temperature <t>', help: 'sampling temperature, 0 to 2', parse: number },
  selfEvaluate: { flags: '--self-evaluate', help: 'ask the model for its probability of success at the end of each episode' },
};

export interface AddAgentOptions {
  /** Agent kinds `--agent` takes; omit when the command always runs the openai agent. */
  kinds?: readonly string[];
  /** The options this command offers (default: all). */
  only?: readonly AgentOption[];
  /** Help text that replaces an option's own, where the command gives it a particular meaning. */
  help?: Partial<Record<AgentOption | 'agent', string>>;
}

/**
 * Adds `--agent` and the openai agent's options to a command. No option gets a commander default,
 * so a config file's value holds unless a flag is given; defaults are applied by `parseAgentOptions`.
 */
export function addAgentOptions(command: Command, options: AddAgentOptions = {}): Command {
  const suffix = options.kinds ? ' (--agent openai)' : '';
  if (options.kinds) command.option('--agent <kind>', options.help?.agent ?? options.kinds.join(' | '));
  for (const key of options.only ?? (Object.keys(FLAGS) as AgentOption[])) {
    const { flags, help, parse } = FLAGS[key];
    const text = options.help?.[key] ?? `${help}${suffix}`;
    if (parse) command.option(flags, text, parse);
    else command.option(flags, text);
  }
  return command;
}

/** Validates the agent options among `flags` (unknown keys are ignored); throws one UsageError listing every problem. */
export function parseAgentOptions(flags: Record<string, unknown>, defaults: Partial<AgentOptions> = {}): AgentOptions {
  const given = Object.fromEntries(Object.keys(agentOptionsShape).flatMap((k) => (flags[k] === undefined ? [] : [[k, flags[k]]])));
  const result = agentOptionsSchema.safeParse({ ...defaults, ...given });
  if (!result.success) {
    throw new UsageError(`invalid agent options:\n${result.error.issues.map((i) => `  --${kebab(String(i.path[0]))}: ${i.message}`).join('\n')}`);
  }
  return result.data;
}

/** What is missing for the openai agent to run (empty when nothing is). */
export function openAIAgentProblems(options: Pick<AgentOptions, 'model' | 'baseUrl'>): string[] {
  return options.model && options.baseUrl ? [] : ['the openai agent needs --model and --base-url'];
}

/** The openai agent these options describe; `extra` adds what the command decides itself (concurrency, seed, retries). */
export function openAIAgent(options: AgentOptions, extra: Partial<OpenAIAgentOptions> = {}): OpenAIAgent {
  const problems = openAIAgentProblems(options);
  if (problems.length) throw new UsageError(problems.join('; '));
  return new OpenAIAgent({
    model: options.model!,
    baseURL: options.baseUrl!,
    apiKey: process.env[options.apiKeyEnv] ?? 'none',
    temperature: options.temperature,
    context: parsePolicy(options.context),
    selfEvaluate: options.selfEvaluate,
    sendCandidates: options.candidates,
    ...extra,
  });
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

import type { Command } from 'commander';
import { z } from 'zod';
import { ExpertAgent, OpenAIAgent, parsePolicy, type OpenAIAgentOptions } from '@workgym/agents';
import type { TaskFamily } from '@workgym/protocol';
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
  expertVariant: z.string().min(1).optional(),
};

const agentOptionsSchema = z.object(agentOptionsShape);
export type AgentOptions = z.infer<typeof agentOptionsSchema>;
export type AgentOption = keyof typeof agentOptionsShape;

const number = (value: string) => Number(value);

/** Each option's flag and help; `(--agent openai)` (or the agent named) is added where the command has other agents. */
const FLAGS: Record<AgentOption, { flags: string; help: string; parse?: (value: string) => unknown; agent?: string }> = {
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
  expertVariant: {
    flags: '--expert-variant <strategy>',
    help: "the expert strategy to follow in every selected family (`workgym envs` lists each family's); default: the seed's",
    agent: 'expert',
  },
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
  if (options.kinds) command.option('--agent <kind>', options.help?.agent ?? options.kinds.join(' | '));
  for (const key of options.only ?? (Object.keys(FLAGS) as AgentOption[])) {
    const { flags, help, parse, agent } = FLAGS[key];
    const text = options.help?.[key] ?? `${help}${options.kinds ? ` (--agent ${agent ?? 'openai'})` : ''}`;
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

/**
 * The expert agent these options describe. `noise` (rollout --noise) replaces each call by a
 * random candidate with that probability, reproducibly from `seed`.
 */
export function expertAgent(options: Pick<AgentOptions, 'expertVariant'>, noise = { probability: 0, seed: 0 }): ExpertAgent {
  return new ExpertAgent({ strategy: options.expertVariant, noise: noise.probability, seed: noise.seed });
}

/**
 * Refuses an expert strategy that a selected family does not have, before anything runs, naming
 * what each such family has (the env would refuse it at the first expert call).
 */
export function checkExpertVariant(variant: string | undefined, families: readonly TaskFamily[]): void {
  if (!variant) return;
  const named = (f: TaskFamily) => [...(f.strategies ?? []), ...(f.nearMisses ?? [])];
  const lacking = families.filter((f) => !named(f).includes(variant));
  if (lacking.length === 0) return;
  const has = (f: TaskFamily) =>
    (f.strategies?.length ? f.strategies.join(', ') : 'no named strategies') + (f.nearMisses?.length ? `; near-misses ${f.nearMisses.join(', ')}` : '');
  const shown = lacking.slice(0, 3).map((f) => `${f.id} has ${has(f)}`);
  throw new UsageError(
    `--expert-variant ${variant}: ${lacking.length} selected ${lacking.length === 1 ? 'family has' : 'families have'} no such expert strategy ` +
      `(${shown.join('; ')}${lacking.length > 3 ? `; and ${lacking.length - 3} more` : ''}); pick one of theirs, or narrow --env / --family`,
  );
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

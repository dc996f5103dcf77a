import { z } from 'zod';
import { availableParallelism } from 'node:os';
import { ExpertAgent, OpenAIAgent, parsePolicy, REMOTE_LANES_PER_CORE, type OpenAIAgentOptions, type Parallel } from '@workgym/agents';
import { guessStrategy, relaxStrategy, type TaskFamily } from '@workgym/protocol';
import { TEMPERATURE, type AgentOption } from './agent-options.js';
import { numberSchema } from './option-schemas.js';
import { UsageError } from './usage-error.js';

// The agent options' values (flags and config keys alike: agent-options.ts defines the flags),
// checked once for every command, and the agents they describe.

export const agentOptionsShape = {
  model: z.string().min(1).optional(),
  baseUrl: z.string().url().optional(),
  apiKeyEnv: z.string().min(1).default('OPENAI_API_KEY'),
  candidates: z.boolean().default(false),
  context: z
    .string()
    .regex(/^(full|(window|memory):[1-9]\d*)$/, 'full, window:N or memory:N (N >= 1)')
    .default('full'),
  temperature: numberSchema(TEMPERATURE).optional(),
  selfEvaluate: z.boolean().default(false),
  expertVariant: z.string().min(1).optional(),
} satisfies Record<AgentOption, z.ZodType>;

const agentOptionsSchema = z.object(agentOptionsShape);
export type AgentOptions = z.infer<typeof agentOptionsSchema>;

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

/** The expert a command runs (`--agent expert`), with the strategy asked for (--expert-variant). */
export interface ExpertAsk {
  variant?: string;
}

/**
 * Refuses, before anything runs, an expert run on families that have no expert (no strategies:
 * a task set's pages without a scripted solver) and an expert strategy that a selected family
 * does not have, naming what each such family has (the env would refuse at the first expert call,
 * and every episode would end as an env error).
 */
export function checkExpert(expert: ExpertAsk | undefined, families: readonly TaskFamily[]): void {
  if (!expert) return;
  const without = families.filter((f) => !f.strategies?.length).map((f) => f.id!);
  if (without.length > 0) {
    throw new UsageError(
      `--agent expert: ${without.length} selected ${without.length === 1 ? 'family has' : 'families have'} no expert ` +
        `(${without.slice(0, 3).join(', ')}${without.length > 3 ? `, and ${without.length - 3} more` : ''}); narrow --family to families with one (\`workgym envs\` lists their strategies)`,
    );
  }
  const variant = expert.variant;
  if (!variant) return;
  const named = (f: TaskFamily) => [
    ...(f.strategies ?? []),
    ...(f.nearMisses ?? []),
    ...(f.conditions ?? []).map(relaxStrategy),
    ...(f.guesses ?? []).map(guessStrategy),
  ];
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

/** Model requests an openai agent may have open at once: enough for every env's lanes (auto: the most a remote-paced env gets). */
export function requestConcurrency(parallel: Parallel): number {
  return (parallel === 'auto' ? REMOTE_LANES_PER_CORE * availableParallelism() : parallel) * 4;
}

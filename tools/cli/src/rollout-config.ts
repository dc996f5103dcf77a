import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { agentOptionsShape, openAIAgentProblems } from './make-agent.js';
import { peopleOptionProblems } from './people-options.js';
import { numberSchema, parallelSchema } from './option-schemas.js';
import { OPTIONS, PROBABILITY } from './options.js';
import { UsageError } from './usage-error.js';

const number = (key: 'episodes' | 'group' | 'maxSteps' | 'seed' | 'stepTimeoutS' | 'envTimeoutS' | 'episodeTimeoutS') => numberSchema(OPTIONS[key].number);

/** Everything `workgym rollout` accepts, from flags or a JSON config file (same names). */
export const rolloutConfigSchema = z
  .object({
    env: z.array(z.string().min(1)).optional(),
    family: z.string().min(1).optional(),
    tasks: z.array(z.string().min(1)).optional(),
    resetOptions: z.record(z.string(), z.unknown()).optional(),
    reward: z.enum(OPTIONS.reward.choices).default('success'),
    agent: z.enum(['expert', 'random', 'nothing', 'submit', 'give-up', 'replay', 'openai']),
    episodes: number('episodes').default(1),
    group: number('group').default(1),
    parallel: parallelSchema.default('auto'),
    maxSteps: number('maxSteps').default(30),
    split: z.enum(OPTIONS.split.choices).default('train'),
    seed: number('seed').default(0),
    out: z.string().min(1),
    resume: z.boolean().default(false),
    runtime: z.enum(OPTIONS.runtime.choices).default('docker'),
    ...agentOptionsShape,
    peopleModel: z.string().min(1).optional(),
    peopleBaseUrl: z.string().url().optional(),
    noise: numberSchema(PROBABILITY).default(0),
    from: z.string().optional(),
    stepTimeoutS: number('stepTimeoutS').default(120),
    envTimeoutS: number('envTimeoutS').default(60),
    episodeTimeoutS: number('episodeTimeoutS').default(1800),
    queue: z.string().min(1).optional(),
    queueName: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.agent === 'openai') for (const message of openAIAgentProblems(c)) ctx.addIssue({ code: 'custom', message, path: ['model'] });
    for (const message of peopleOptionProblems(c)) ctx.addIssue({ code: 'custom', message, path: ['peopleModel'] });
    if (c.agent !== 'expert') {
      if (c.expertVariant) ctx.addIssue({ code: 'custom', message: '--expert-variant is for --agent expert', path: ['expertVariant'] });
      if (c.noise > 0) ctx.addIssue({ code: 'custom', message: '--noise is for --agent expert', path: ['noise'] });
    }
    if (c.queueName && !c.queue) ctx.addIssue({ code: 'custom', message: '--queue-name is for --queue', path: ['queueName'] });
    if (c.agent === 'replay' && !c.from) {
      ctx.addIssue({ code: 'custom', message: 'the replay agent needs --from RUN (the run to replay)', path: ['from'] });
    }
  });

export type RolloutCliConfig = z.infer<typeof rolloutConfigSchema>;

/**
 * Refuses, in one line, what a coordinator (--queue) cannot do, as the user wrote it (before the
 * defaults): each worker chooses its own runtime and pool size, and the replay agent reads a run
 * on this machine.
 */
function refuseUndistributable(given: Record<string, unknown>): void {
  if (!given.queue) return;
  const problems = [
    given.agent === 'replay' && '--agent replay reads --from on this machine, so it cannot run on workers',
    given.runtime !== undefined && 'each worker chooses its runtime (workgym worker --runtime): drop --runtime',
    given.parallel !== undefined && 'each worker chooses how many episodes it runs at once (workgym worker --parallel): drop --parallel',
    given.peopleModel !== undefined && "the tasks' people are played on this machine, not on workers: drop --people-model",
  ].filter(Boolean);
  if (problems.length > 0) throw new UsageError(`--queue: ${problems.join('; ')}`);
}

/** Merges a config file (if any) with the flags given, flags winning, and validates the result. */
export async function loadRolloutConfig(flags: Record<string, unknown>, file?: string): Promise<RolloutCliConfig> {
  let fromFile: Record<string, unknown> = {};
  if (file) {
    const text = await readFile(file, 'utf8').catch((error: Error) => {
      throw new UsageError(`cannot read config file ${file}: ${error.message}`);
    });
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const merged: Record<string, unknown> = { ...fromFile, ...given };
  refuseUndistributable(merged);
  const result = rolloutConfigSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`).join('\n');
    throw new UsageError(`invalid rollout configuration${file ? ` (${file} and flags)` : ''}:\n${problems}`);
  }
  return result.data;
}

/** What of a rollout's config plans and opens its run, as `rollout()` and the queue's coordinator take it. */
export function runPlanOptions(config: RolloutCliConfig) {
  return {
    out: config.out,
    resume: config.resume,
    tasksPerFamily: config.episodes,
    group: config.group,
    split: config.split,
    seed: config.seed,
    resetOptions: config.resetOptions,
    reward: config.reward,
    limits: {
      maxSteps: config.maxSteps,
      stepDeadlineMs: config.stepTimeoutS * 1000,
      episodeDeadlineMs: config.episodeTimeoutS * 1000,
      envDeadlineMs: config.envTimeoutS * 1000,
    },
  };
}

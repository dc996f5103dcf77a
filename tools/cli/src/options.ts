import { Option, type Command } from 'commander';
import { UsageError } from './usage-error.js';

// The options several commands share, defined once: the same flag, help and check everywhere.
// A value is checked as commander reads it, so a bad one stops the command before its module is
// even loaded. rollout also reads them from a config file, so there the flags are only read as
// numbers and its schema (built from the same rules, rollout-config.ts) checks every value at once.

/** What a number option takes. `describe` replaces the generated wording (and zod's) where it reads better. */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
  /** Words it takes besides numbers (e.g. `auto`), as they are. */
  words?: readonly string[];
  describe?: string;
}

export interface OptionDef {
  flags: string;
  help: string;
  number?: NumberRule;
  /** The values it takes (each item's, for a list). */
  choices?: readonly string[];
  /** A comma-separated list, read as an array of its non-empty items. */
  list?: boolean;
}

export const COUNT: NumberRule = { integer: true, min: 1 };
/** Episodes in flight per env: a count, or auto (sized from the host and each env's limits). */
export const PARALLEL: NumberRule = { ...COUNT, words: ['auto'], describe: 'a whole number >= 1 or auto' };
export const WHOLE: NumberRule = { integer: true, min: 0 };
const SECONDS: NumberRule = { above: 0 };
export const PROBABILITY: NumberRule = { min: 0, max: 1, describe: 'a probability, 0 to 1' };
export const ANY_NUMBER: NumberRule = {};

const RUNTIMES = ['docker', 'local'] as const;
/** The reward modes (REWARD_MODES of @workgym/protocol; the CLI loads no protocol code before a command runs). */
export const REWARD_CHOICES = ['success', 'shaped'] as const;

export const OPTIONS = {
  env: { flags: '--env <names>', help: 'comma-separated envs (default: all)', list: true },
  family: { flags: '--family <glob>', help: 'only task families whose id matches, e.g. "code/*-fix-bug"' },
  split: { flags: '--split <split>', help: 'train | test', choices: ['train', 'test'] },
  episodes: { flags: '--episodes <n>', help: 'tasks per family', number: COUNT },
  group: { flags: '--group <n>', help: 'rollouts per task', number: COUNT },
  parallel: {
    flags: '--parallel <n|auto>',
    help: "episodes in flight per env, or auto: from the cores, the free memory and each env's container limits (an n that does not fit is cut, with a warning)",
    number: PARALLEL,
  },
  seed: { flags: '--seed <n>', help: 'first task seed', number: WHOLE },
  maxSteps: { flags: '--max-steps <n>', help: 'step limit per episode (truncates)', number: COUNT },
  epochs: { flags: '--epochs <n>', help: 'passes over the data', number: COUNT },
  runtime: { flags: '--runtime <kind>', help: 'docker | local', choices: RUNTIMES },
  reward: {
    flags: '--reward <mode>',
    help: "what an episode's final reward pays: success (0 or 1, the default) | shaped (partial credit from the family's declared components)",
    choices: REWARD_CHOICES,
  },
  stepTimeoutS: { flags: '--step-timeout-s <s>', help: "seconds an agent may take to act (its own time: env calls made for it don't count)", number: SECONDS },
  envTimeoutS: { flags: '--env-timeout-s <s>', help: 'seconds one env call (reset, step, expert) may take before the env counts as hung', number: SECONDS },
  episodeTimeoutS: { flags: '--episode-timeout-s <s>', help: 'seconds an episode may take', number: SECONDS },
  // Held-out families (train, transfer, eval): read by held-out.ts, where a glob's braces may hold commas.
  holdOut: {
    flags: '--hold-out <globs>',
    help: "comma-separated family globs to hold out of training in place of the catalogue's held-out families (each must match a selected family)",
  },
  includeHeldOut: { flags: '--include-held-out', help: "train on the catalogue's held-out families too (nothing is then reported as held out)" },
  // Which recorded episodes a command reads (data export, data sft).
  onlyEnvs: { flags: '--env <names>', help: 'only these envs (comma-separated)', list: true },
  onlyFamilies: { flags: '--family <ids>', help: 'only these task families (comma-separated)', list: true },
  onlyJobs: { flags: '--job <names>', help: 'only these jobs (comma-separated)', list: true },
  minReward: { flags: '--min-reward <x>', help: 'only episodes with final reward >= x', number: ANY_NUMBER },
  dedupe: { flags: '--dedupe', help: 'keep one episode per task and identical action sequence' },
} as const satisfies Record<string, OptionDef>;

export type OptionKey = keyof typeof OPTIONS;

/** What a command changes in a shared option: its help (where it means something particular there) and its default. */
export interface OptionUse {
  help?: string;
  default?: unknown;
}

/**
 * Adds shared options in the order given. With `{ checkValues: false }` (rollout) numbers are
 * only read as numbers and choices are not checked: the command checks them with its config.
 */
export function addOptions(command: Command, uses: Partial<Record<OptionKey, OptionUse>>, settings: { checkValues?: boolean } = {}): Command {
  for (const [key, use] of Object.entries(uses) as [OptionKey, OptionUse][]) {
    command.addOption(sharedOption(OPTIONS[key], use, settings.checkValues ?? true));
  }
  return command;
}

/** A number option of one command, read and checked like the shared ones. */
export function numberOption(flags: string, help: string, rule: NumberRule, defaultValue?: number): Option {
  return sharedOption({ flags, help, number: rule }, { default: defaultValue }, true);
}

/** A comma-separated list option of one command, each item one of `choices`. */
export function listOption(flags: string, help: string, choices: readonly string[]): Option {
  return sharedOption({ flags, help, list: true, choices }, {}, true);
}

function sharedOption(def: OptionDef, use: OptionUse, checkValues: boolean): Option {
  const option = new Option(def.flags, use.help ?? def.help);
  const flag = option.long!;
  const choices = checkValues ? def.choices : undefined;
  if (def.number) option.argParser((value: string) => (def.number!.words?.includes(value) ? value : readNumber(value, flag, def.number!, checkValues)));
  else if (def.list) option.argParser((value: string) => readList(value).map((item) => (choices ? readChoice(item, flag, choices) : item)));
  else if (choices) option.argParser((value: string) => readChoice(value, flag, choices));
  if (use.default !== undefined) option.default(use.default);
  return option;
}

/** The value as a number that fits the rule (only a number, without `checkRange`); otherwise a UsageError naming the flag. */
export function readNumber(value: string, flag: string, rule: NumberRule, checkRange = true): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (checkRange && !fits(n, rule))) {
    throw new UsageError(`${flag} must be ${describeRule(rule)}, not ${shown(value)}`);
  }
  return n;
}

/** The value if it is one of `choices`; otherwise a UsageError naming the flag and the choices. */
export function readChoice(value: string, flag: string, choices: readonly string[]): string {
  if (!choices.includes(value)) throw new UsageError(`${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, not ${shown(value)}`);
  return value;
}

/** The value as a JSON object (what --reset-options takes); otherwise a UsageError naming the flag. */
export function readJsonObject(value: string, flag: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new UsageError(`${flag} must be a JSON object, e.g. '{"key": 1}'; ${shown(value)} is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`${flag} must be a JSON object, e.g. '{"key": 1}', not ${shown(value)}`);
  return parsed as Record<string, unknown>;
}

export function readList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function fits(n: number, rule: NumberRule): boolean {
  return (
    (!rule.integer || Number.isInteger(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.above === undefined || n > rule.above) &&
    (rule.max === undefined || n <= rule.max)
  );
}

function describeRule(rule: NumberRule): string {
  if (rule.describe) return rule.describe;
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  const bounds = [rule.min !== undefined && `>= ${rule.min}`, rule.above !== undefined && `> ${rule.above}`, rule.max !== undefined && `<= ${rule.max}`];
  return [kind, ...bounds.filter(Boolean)].join(' ');
}

/** A value as the user typed it; quoted when it would not read plainly (empty, spaces). */
function shown(value: string): string {
  return /^[^\s"']+$/.test(value) ? value : JSON.stringify(value);
}

import { Option, type Command } from 'commander';
import { readChoice, readNumber, type NumberRule } from './options.js';

// The options of every command that runs an agent (rollout, eval, train, transfer), defined once:
// the same flag names and help everywhere. Their values are checked, and the agent built from
// them, in make-agent.ts (loaded only when a command runs). A config file (rollout --config) uses
// the same names in camelCase.

export type AgentOption = 'model' | 'baseUrl' | 'apiKeyEnv' | 'candidates' | 'context' | 'temperature' | 'selfEvaluate' | 'expertVariant';

/** Each option's flag and help; `(--agent openai)` (or the agent named) is added where the command has other agents. */
const FLAGS: Record<AgentOption, { flags: string; help: string; agent?: string }> = {
  model: { flags: '--model <name>', help: 'model name to ask the endpoint for' },
  baseUrl: { flags: '--base-url <url>', help: 'OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 or a `workgym serve-policy` URL' },
  apiKeyEnv: { flags: '--api-key-env <var>', help: 'environment variable holding the API key (default OPENAI_API_KEY; "none" is sent when unset)' },
  candidates: {
    flags: '--candidates',
    help: "send the observation's candidate actions as workgym_candidates: needed by policies that choose among them (`workgym serve-policy`); hosted APIs may reject the field",
  },
  context: { flags: '--context <policy>', help: 'what of the history the model is shown: full | window:N | memory:N (default full)' },
  temperature: { flags: '--temperature <t>', help: 'sampling temperature, 0 to 2' },
  selfEvaluate: { flags: '--self-evaluate', help: 'ask the model for its probability of success at the end of each episode' },
  expertVariant: {
    flags: '--expert-variant <strategy>',
    help: "the expert strategy to follow in every selected family (`workgym envs` lists each family's); default: the seed's",
    agent: 'expert',
  },
};

/** Every agent option, and the flag that gives it. */
export const AGENT_OPTIONS = Object.keys(FLAGS) as AgentOption[];
export const agentFlag = (key: AgentOption): string => FLAGS[key].flags.split(' ')[0]!;

/** The sampling temperature's range, checked with the other agent options (make-agent.ts). */
export const TEMPERATURE: NumberRule = { min: 0, max: 2 };

export interface AddAgentOptions {
  /** Agent kinds `--agent` takes; omit when the command always runs the openai agent. */
  kinds?: readonly string[];
  /** The options this command offers (default: all). */
  only?: readonly AgentOption[];
  /** Help text that replaces an option's own, where the command gives it a particular meaning. */
  help?: Partial<Record<AgentOption | 'agent', string>>;
  /**
   * Check `--agent` and `--temperature` as commander reads them (default), so a bad value stops
   * the command before anything starts; rollout leaves them to its config schema.
   */
  checkValues?: boolean;
}

/**
 * Adds `--agent` and the openai agent's options to a command. No option gets a commander default,
 * so a config file's value holds unless a flag is given; defaults are applied by `parseAgentOptions`.
 */
export function addAgentOptions(command: Command, options: AddAgentOptions = {}): Command {
  const checkValues = options.checkValues ?? true;
  if (options.kinds) {
    const agent = new Option('--agent <kind>', options.help?.agent ?? options.kinds.join(' | '));
    if (checkValues) agent.argParser((value: string) => readChoice(value, '--agent', options.kinds!));
    command.addOption(agent);
  }
  for (const key of options.only ?? AGENT_OPTIONS) {
    const { flags, help, agent } = FLAGS[key];
    const text = options.help?.[key] ?? `${help}${options.kinds ? ` (--agent ${agent ?? 'openai'})` : ''}`;
    const option = new Option(flags, text);
    if (key === 'temperature') option.argParser((value: string) => readNumber(value, '--temperature', TEMPERATURE, checkValues));
    command.addOption(option);
  }
  return command;
}

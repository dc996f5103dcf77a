import type { Command } from 'commander';
import type { PersonPlayer } from '@workgym/protocol';

// Who plays the tasks' people, for every command that runs episodes (rollout, eval, transfer):
// by default the families' scripts; with --people-model and --people-base-url, a chat model.
// The help texts load this module: it loads nothing else until a command runs.

/** The environment variable holding the people endpoint's API key ("none" is sent when unset). */
export const PEOPLE_API_KEY_ENV = 'WORKGYM_PEOPLE_API_KEY';

export type PeopleOptions = { peopleModel?: string; peopleBaseUrl?: string };

/** Adds --people-model and --people-base-url. */
export function addPeopleOptions(command: Command): Command {
  return command
    .option('--people-model <name>', "a chat model that plays the tasks' people instead of their scripts (with --people-base-url)")
    .option('--people-base-url <url>', `its OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (API key from ${PEOPLE_API_KEY_ENV})`);
}

/** What is wrong with the people options (empty when nothing is): both or neither. */
export function peopleOptionProblems(options: PeopleOptions): string[] {
  if (!options.peopleModel === !options.peopleBaseUrl) return [];
  return [options.peopleModel ? '--people-model needs --people-base-url' : '--people-base-url needs --people-model'];
}

/** The chat model that plays the people, or undefined for their scripts (the agents package loads only then). */
export async function peoplePlayer(options: PeopleOptions): Promise<PersonPlayer | undefined> {
  if (!options.peopleModel || !options.peopleBaseUrl) return undefined;
  const { openAIPeoplePlayer } = await import('@workgym/agents');
  return openAIPeoplePlayer({ model: options.peopleModel, baseURL: options.peopleBaseUrl, apiKey: process.env[PEOPLE_API_KEY_ENV] ?? 'none' });
}

/** The plan line that says who plays the people. */
export function describePeople(options: PeopleOptions): string {
  return options.peopleModel ? `${options.peopleModel} at ${options.peopleBaseUrl}` : "the families' scripts";
}

import type OpenAI from 'openai';
import type { PersonPlayer } from '@workgym/protocol';

export interface OpenAIPeopleOptions {
  /** The model that plays every person. */
  model: string;
  /** An OpenAI-compatible endpoint, e.g. http://localhost:8000/v1. */
  baseURL: string;
  apiKey: string;
  /** Retries of a failed request, with the SDK's backoff (default 2). */
  maxRetries?: number;
}

/**
 * Plays the tasks' people with a chat model behind an OpenAI-compatible endpoint: each reply is
 * one chat completion of the messages the env wrote (the persona, what they know and may say,
 * the conversation so far), at temperature 0. The env checks the reply; this only fetches it.
 */
export function openAIPeoplePlayer(options: OpenAIPeopleOptions): PersonPlayer {
  let sdk: Promise<OpenAI> | undefined;
  return async (ask, signal) => {
    sdk ??= import('openai').then(({ default: SDK }) => new SDK({ baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: options.maxRetries ?? 2 }));
    const completion = await (await sdk).chat.completions.create({ model: options.model, messages: ask.messages, temperature: 0 }, { signal });
    const text = completion.choices[0]?.message?.content?.trim();
    if (!text) throw new Error(`${options.model} gave ${ask.person} no reply`);
    return text;
  };
}

import type { EnvClient } from '@workgym/protocol';
import { connectInProcess, CounterEnv } from '@workgym/protocol/testing';
import type { EpisodeLimits, EpisodeTask } from '../src/index.js';

/** An EnvClient on the counter test env, joined by in-memory streams. */
export function counterClient(env = new CounterEnv(8)): EnvClient {
  return connectInProcess(env).client;
}

export const counterTask = (seed = 1): EpisodeTask => ({ env: 'counter', family: 'counter/reach-target', seed, split: 'train' });
export const limits = (overrides: Partial<EpisodeLimits> = {}): EpisodeLimits => ({
  maxSteps: 20,
  stepDeadlineMs: 5_000,
  episodeDeadlineMs: 60_000,
  ...overrides,
});
export const ids = (episodeId = 'counter/reach-target:train:1:0') => ({ runId: 'test', episodeId, groupId: episodeId.replace(/:\d+$/, '') });

// Experts decide from the current state and what the episode showed, not from a script: when a
// random candidate action replaces some of their calls (what `rollout --noise` does), they go on
// from the state that results and still solve the task.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, type Decoded, type Observation, type StepReply } from '@workgym/protocol';
import { FAMILIES } from '../src/tasks/index.js';
import { connectBrowserEnv } from './helpers.js';

const NOISE = 0.2;
const SEEDS = [1, 2];
const MAX_STEPS = 60;
/** Episodes run at once (the env serves 4 sessions). */
const LANES = 3;

let h: ReturnType<typeof connectBrowserEnv>;

beforeAll(() => {
  h = connectBrowserEnv();
});

afterAll(async () => {
  await h?.close();
});

interface Played {
  family: string;
  seed: number;
  success: boolean;
  injected: number;
}

/** One episode in which each call is, with probability NOISE, a random candidate instead of the expert's. */
async function noisyEpisode(family: string, seed: number): Promise<Played> {
  const rng = new Rng(seed * 1_000 + FAMILIES.findIndex((f) => `browser/${f.name}` === family));
  const reset = await h.client.reset({ family, seed, maxSteps: MAX_STEPS });
  let injected = 0;
  try {
    let observation: Decoded<Observation> = reset.observation!;
    let reply: StepReply | undefined;
    while (!(reply?.terminated || reply?.truncated)) {
      // Submitting or answering at random ends the episode: not a state anyone can recover from.
      const recoverable = observation.candidates.filter((c) => c.name !== 'submit' && c.name !== 'answer');
      const noisy = rng.next() < NOISE && recoverable.length > 0;
      const calls = noisy ? [rng.pick(recoverable)] : (await h.client.expert(reset.session)).calls;
      if (noisy) injected += 1;
      reply = await h.client.step(reset.session, calls);
      // An error observation offers no candidates; the page, and so its candidates, did not change.
      if (reply.observation && reply.observation.candidates.length > 0) observation = reply.observation;
    }
    return { family, seed, success: reply.verdict?.success === true, injected };
  } finally {
    await h.client.closeSession(reset.session);
  }
}

describe('experts recover from random actions', () => {
  it(`still solve most episodes when ${NOISE * 100}% of their calls are replaced by random candidates`, async () => {
    const queue = FAMILIES.flatMap((f) => SEEDS.map((seed) => ({ family: `browser/${f.name}`, seed })));
    const played: Played[] = [];
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) played.push(await noisyEpisode(next.family, next.seed));
      }),
    );
    const solved = played.filter((p) => p.success);
    const rate = solved.length / played.length;
    console.log(
      `expert success with ${NOISE} noise: ${solved.length}/${played.length} (${(rate * 100).toFixed(0)}%); ${played.reduce((s, p) => s + p.injected, 0)} random actions injected; failed: ${
        played
          .filter((p) => !p.success)
          .map((p) => `${p.family} seed ${p.seed} (${p.injected} injected)`)
          .join(', ') || 'none'
      }`,
    );
    expect(played.every((p) => p.injected > 0 || p.success)).toBe(true);
    expect(rate).toBeGreaterThanOrEqual(0.75);
  }, 900_000);
});

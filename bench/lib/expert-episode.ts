import type { EnvClient } from '@workgym/protocol';

/** Plays one episode with the env's expert straight through the client; returns its reward. */
export async function expertEpisode(client: EnvClient, family: string, seed: number, maxSteps = 60): Promise<number> {
  const { session } = await client.reset({ family, seed, maxSteps });
  try {
    for (;;) {
      const reply = await client.step(session, (await client.expert(session)).calls);
      if (reply.terminated || reply.truncated) return reply.reward;
    }
  } finally {
    await client.closeSession(session);
  }
}

import { describe, expect, it } from 'vitest';
import { RemoteError, type PersonAsk } from '../src/index.js';
import { connectInProcess } from './helpers.js';
import { askForCode, NotesEnv } from './notes-env.js';

const FAMILY = 'notes/ask-for-code';
const ASK = JSON.stringify({ to: 'sam.lee', text: 'Which note should I use?' });

/** Opens a people episode the client plays, sends one message, and returns the step's reply (or its refusal). */
async function askOnce(play: ((ask: PersonAsk) => Promise<string>) | undefined, seed = 4) {
  const env = new NotesEnv([askForCode]);
  const { client } = connectInProcess(env);
  client.playPerson = play && ((ask) => play(ask));
  const reset = await client.reset({ family: FAMILY, seed, people: 'client' });
  const reply = await client.step(reset.session, [{ id: 'm', name: 'message', argumentsJson: ASK }]).catch((error: Error) => error);
  await client.close();
  return { reply };
}

describe('people the client plays (reset people "client")', () => {
  it('asks the client for the reply with who the person is and what the message may reveal, and records the reply as their turn', async () => {
    const asks: PersonAsk[] = [];
    const title = new NotesEnv([askForCode]).catalogue.people(FAMILY, 4)[0]!.facts[0]!.value;
    const { reply } = await askOnce(async (ask) => {
      asks.push(ask);
      return `Hi! You want the note called ${title}.`;
    });
    expect(asks).toHaveLength(1);
    expect(asks[0]!.person).toBe('sam.lee');
    expect(asks[0]!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(asks[0]!.messages[0]!.content).toContain('You are Sam Lee, office manager.');
    expect(asks[0]!.messages[0]!.content).toContain(`say ${JSON.stringify(title)} in your reply`);
    expect(asks[0]!.messages[1]!.content).toBe('Which note should I use?');
    expect(reply).not.toBeInstanceOf(Error);
    const step = reply as Exclude<typeof reply, Error>;
    expect(step.results[0]!.people).toEqual([{ who: 'sam.lee', name: 'Sam Lee', channel: 'message', text: `Hi! You want the note called ${title}.` }]);
    expect(step.results[0]!.text).toBe(`Sam Lee (office manager): Hi! You want the note called ${title}.`);
  });

  it('fails the step with people_error when the reply leaves out what was asked, and when the client cannot play the person', async () => {
    const vague = await askOnce(async () => 'Let me check and get back to you.');
    expect(vague.reply).toBeInstanceOf(RemoteError);
    expect(vague.reply).toMatchObject({ remoteCode: 'people_error' });
    expect((vague.reply as Error).message).toContain("Sam Lee's reply left out which note holds the code, which the message asked for");
    const down = await askOnce(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9');
    });
    expect(down.reply).toMatchObject({ remoteCode: 'people_error', message: 'people_error: Sam Lee could not be played: connect ECONNREFUSED 127.0.0.1:9' });
    const none = await askOnce(undefined);
    expect(none.reply).toMatchObject({
      remoteCode: 'people_error',
      message: 'people_error: Sam Lee could not be played: this client plays no people (it was given no person player)',
    });
  });

  it('fails the step with people_error when the reply gives a fact nobody asked for', async () => {
    const env = new NotesEnv([askForCode]);
    const { client } = connectInProcess(env);
    const seed = 4;
    const title = env.catalogue.people(FAMILY, seed)[0]!.facts[0]!.value;
    client.playPerson = async () => `Sure. By the way, it is the note ${title}.`;
    const reset = await client.reset({ family: FAMILY, seed, people: 'client' });
    const hello = JSON.stringify({ to: 'sam.lee', text: 'Hello!' });
    const error = await client.step(reset.session, [{ id: 'h', name: 'message', argumentsJson: hello }]).catch((e: Error) => e);
    expect(error).toMatchObject({ remoteCode: 'people_error' });
    expect((error as Error).message).toContain("Sam Lee's reply gave which note holds the code, which nobody asked for");
    await client.close();
  });

  it('refuses a reset whose people mode is neither scripted nor client', async () => {
    const { client } = connectInProcess(new NotesEnv([askForCode]));
    // Another client (Python's, say) may send any text: the server checks it.
    const refused = await client.reset({ family: FAMILY, seed: 1, people: 'llm' as 'client' }).catch((e: Error) => e);
    expect(refused).toMatchObject({ remoteCode: 'bad_request', message: 'bad_request: people must be "scripted" or "client", not "llm"' });
    await client.close();
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { openRun, toConversation, type EpisodeRecord } from '@workgym/trajectories';
import { askForCode, NotesEnv } from '../../envs/protocol/test/notes-env.js';
import { ExpertAgent, openAIPeoplePlayer, rollout } from '../src/index.js';
import { startChatServer, type ChatRequest } from './fixtures/chat-server.js';

// The tasks' people played by a chat model behind the real chat-completions protocol: a local
// server stands in for the hosted model, answering from the system message the env wrote.

async function roll(respond: (request: ChatRequest) => string) {
  const chat = await startChatServer((request) => ({ content: respond(request) }));
  const out = join(await mkdtemp(join(tmpdir(), 'workgym-people-')), 'run');
  try {
    await rollout({
      runtime: new InProcessRuntime({ notes: () => new NotesEnv([askForCode]) }),
      agent: new ExpertAgent(),
      envs: [{ name: 'notes', spec: inProcessSpec('notes'), families: ['notes/ask-for-code'] }],
      playPeople: openAIPeoplePlayer({ model: 'persona-1', baseURL: chat.baseURL, apiKey: 'key-1', maxRetries: 0 }),
      out,
      tasksPerFamily: 3,
      group: 1,
      split: 'train',
      seed: 0,
      parallel: 1,
      limits: { maxSteps: 10, stepDeadlineMs: 10_000, episodeDeadlineMs: 60_000, envDeadlineMs: 10_000 },
    });
    const records: EpisodeRecord[] = [];
    await using reader = await openRun(out);
    for await (const record of reader.records()) records.push(record);
    return { records, requests: chat.requests };
  } finally {
    await chat.close();
  }
}

/** The value the system message tells the person to say, as the env quoted it. */
const asked = (request: ChatRequest) => /say "([^"]+)" in your reply/.exec(String(request.messages[0]!.content))?.[1];

describe('people played by a chat model (--people-model)', () => {
  it("records the model's words as the person's turns, and the expert acts on them", async () => {
    const { records, requests } = await roll((request) => `Sure thing, the one called ${asked(request)} has it.`);
    expect(records.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(requests.every((r) => r.model === 'persona-1' && r.messages[0]!.role === 'system')).toBe(true);
    for (const record of records) {
      const turns = record.steps!.flatMap((s) => s.results!.flatMap((r) => r.people ?? []));
      expect(turns).toHaveLength(1);
      expect(turns[0]).toMatchObject({ who: 'sam.lee', channel: 'message' });
      expect(turns[0]!.text).toMatch(/^Sure thing, the one called .+ has it\.$/);
      const tool = toConversation(record).find((m) => m.role === 'tool' && m.name === 'message');
      expect(tool).toMatchObject({ content: `Sam Lee (office manager): ${turns[0]!.text}` });
    }
  });

  it("records people_error, retried and never the agent's, when the model leaves out what was asked", async () => {
    const { records } = await roll(() => 'Let me check and get back to you.');
    expect(records.map((r) => [r.status, r.attempts])).toEqual([
      ['people_error', 3],
      ['people_error', 3],
      ['people_error', 3],
    ]);
    expect(records[0]!.errorMessage).toContain("people_error: Sam Lee's reply left out which note holds the code, which the message asked for");
  });
});

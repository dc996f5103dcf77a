import { describe, expect, it } from 'vitest';
import { formatTranscript, openRun, toConversation, type EpisodeRecord } from '../src/index.js';
import { writeRun } from './temp-dir.js';

const said = [
  { who: 'sam.lee', name: 'Sam Lee', channel: 'message', text: 'It\'s the note "Hiring plan".' },
  { who: 'sam.lee', name: 'Sam Lee', channel: 'message', text: 'Sorry, my mistake! The one you need is titled "Budget review".' },
];
const reply = said.map((t) => `Sam Lee (office manager): ${t.text}`).join('\n');

const episode: EpisodeRecord = {
  episodeId: 'notes/ask-for-code:train:4:0',
  groupId: 'notes/ask-for-code:train:4',
  env: 'notes',
  family: 'notes/ask-for-code',
  seed: 4,
  split: 'train',
  status: 'success',
  success: true,
  instruction: 'Sam Lee (sam.lee), the office manager, needs the code from one of the notes; only they know which.',
  steps: [
    {
      index: 0,
      observation: { text: '1. Hiring plan\n2. Budget review' },
      toolCalls: [{ id: 'c1', name: 'message', argumentsJson: '{"to":"sam.lee","text":"Which note should I use?"}' }],
      results: [{ callId: 'c1', text: reply, people: said }],
    },
    {
      index: 1,
      observation: { text: reply },
      toolCalls: [{ id: 'c2', name: 'open_note', argumentsJson: '{"number":2}' }],
      results: [{ callId: 'c2', text: 'Budget review\nCode: K7Q2PX' }],
    },
  ],
};

describe("a person's turns in a record", () => {
  it('are kept in the run with the call that caused them, in order', async () => {
    const dir = await writeRun([episode], { finalize: true });
    await using run = await openRun(dir);
    const records: EpisodeRecord[] = [];
    for await (const record of run.records()) records.push(record);
    expect(records[0]!.steps![0]!.results![0]!.people).toEqual(said);
    expect(records[0]!.steps![1]!.results![0]!.people ?? []).toEqual([]);
  });

  it('are the tool message the model saw in the conversation, and lines of their own in the transcript', () => {
    const tool = toConversation(episode).find((m) => m.role === 'tool' && m.toolCallId === 'c1');
    expect(tool).toMatchObject({ name: 'message', content: reply });
    const transcript = formatTranscript(episode);
    expect(transcript).toContain('[person sam.lee on message] Sam Lee: It\'s the note "Hiring plan".');
    expect(transcript).toContain('[person sam.lee on message] Sam Lee: Sorry, my mistake! The one you need is titled "Budget review".');
  });
});

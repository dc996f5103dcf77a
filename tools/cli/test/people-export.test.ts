import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { startChatServer } from '../../../agents/test/fixtures/chat-server.js';
import { workgym } from './run-cli.js';

// A people family rolled out by the CLI, exported to OpenAI format and read back: every person's
// turn the record holds is in a tool message the exported conversation shows.

const FAMILY = 'code/py-ask-config';

async function rolloutAndExport(...extra: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'workgym-people-export-'));
  const run = join(dir, 'run');
  const rolled = await workgym(
    'rollout',
    '--agent',
    'expert',
    '--family',
    FAMILY,
    '--episodes',
    '2',
    '--seed',
    '3',
    '--runtime',
    'local',
    '--out',
    run,
    ...extra,
  );
  expect(rolled.code, rolled.stderr).toBe(0);
  const out = join(dir, 'sft.jsonl');
  const exported = await workgym('data', 'export', run, '--format', 'openai', '--out', out);
  expect(exported.code, exported.stderr).toBe(0);
  const lines = (await readFile(out, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { messages: { role: string; content: unknown }[] });
  const records: EpisodeRecord[] = [];
  await using reader = await openRun(run);
  for await (const record of reader.records()) records.push(record);
  return { lines, records };
}

function turnsOf(record: EpisodeRecord) {
  return (record.steps ?? []).flatMap((step) => (step.results ?? []).flatMap((result) => result.people ?? []));
}

function toolContents(lines: { messages: { role: string; content: unknown }[] }[]): string[] {
  return lines.flatMap((line) => line.messages.filter((m) => m.role === 'tool').map((m) => String(m.content)));
}

describe('a people episode exported to OpenAI format', () => {
  it("keeps every scripted person's turn, as the tool message the agent saw", { timeout: 600_000 }, async () => {
    const { lines, records } = await rolloutAndExport();
    expect(records.map((r) => r.status)).toEqual(['success', 'success']);
    const contents = toolContents(lines);
    for (const record of records) {
      const turns = turnsOf(record);
      expect(turns.length).toBeGreaterThan(0);
      for (const turn of turns) expect(contents.some((c) => c.includes(`${turn.name}`) && c.includes(turn.text!))).toBe(true);
    }
  });

  it("keeps every turn a chat model played (--people-model), with the model's own words", { timeout: 600_000 }, async () => {
    const chat = await startChatServer((request) => {
      const value = /say "([^"]+)" in your reply/.exec(String(request.messages[0]!.content))?.[1];
      return { content: value ? `Hey! It is ${value}, as far as I know.` : "I don't know that one." };
    });
    try {
      const { lines, records } = await rolloutAndExport('--people-model', 'persona-1', '--people-base-url', chat.baseURL);
      expect(records.map((r) => r.status)).toEqual(['success', 'success']);
      expect(chat.requests.length).toBeGreaterThanOrEqual(2);
      const contents = toolContents(lines);
      for (const record of records) {
        const turns = turnsOf(record);
        expect(turns.map((t) => t.text)).toEqual(turns.map(() => expect.stringMatching(/^Hey! It is .+, as far as I know\.$/)));
        for (const turn of turns) expect(contents.some((c) => c.includes(turn.text!))).toBe(true);
      }
    } finally {
      await chat.close();
    }
  });
});

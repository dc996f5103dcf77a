import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskSetError } from '@workgym/protocol/kit';
import { loadTaskSets } from '../src/task-sets/index.js';
import { MCP_TASK_SCHEMA } from '../src/task-sets/task-file.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-mcp-tasks-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The task sets of a file `name` holding `lines` (objects written as JSON, strings as they are). */
async function load(name: string, lines: (object | string)[]) {
  const file = join(dir, name);
  await writeFile(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return loadTaskSets([file], 'mcp', 'assistant', 'v1');
}

describe('MCP task files', () => {
  it('make each task a family mcp/<set>.<id> whose task says where the files are', async () => {
    const tasks = await load('tidy up.jsonl', [
      { id: 'a/1', instruction: 'Say hi.', files: { 'x/y.txt': 'y' }, check: 'test -f hi.txt' },
      '',
      { id: 2, instruction: 'Drop y.', expect_files: { 'y.txt': null } },
    ]);
    expect([...tasks.keys()]).toEqual(['mcp/tidy-up.a-1', 'mcp/tidy-up.2']);
    const first = tasks.get('mcp/tidy-up.a-1')!;
    expect(first.family).toMatchObject({ job: 'assistant', strategies: [], nearMisses: [] });
    expect(first.task('/workspace')).toEqual({
      instruction: 'Say hi.\n\nThe files are in /workspace.',
      files: { 'x/y.txt': 'y' },
      verifier: { check: 'test -f hi.txt' },
    });
    expect(tasks.get('mcp/tidy-up.2')!.task('/w').verifier).toEqual({ files: { 'y.txt': null } });
  });

  it('refuse a line naming the line and the field', async () => {
    await expect(
      load('bad.jsonl', [
        { id: 'a', instruction: 'x', check: 'true' },
        { id: 'b', instruction: 'x', check: 3 },
      ]),
    ).rejects.toThrow(new TaskSetError('bad.jsonl line 2: field "check" must be string'));
    await expect(load('none.jsonl', ['{"id": "a", "instruction": "x"'])).rejects.toThrow(/^none.jsonl line 1: not JSON/);
  });

  it('refuse a task with no verifier, a path outside the workspace, and two tasks of one name', async () => {
    await expect(load('open.jsonl', [{ id: 'a', instruction: 'x' }])).rejects.toThrow(/^open.jsonl line 1: /);
    for (const path of ['../up.txt', '/etc/x', 'a/../../b', 'a//b', './a']) {
      await expect(load('escape.jsonl', [{ id: 'a', instruction: 'x', files: { [path]: '' }, check: 'true' }]), path).rejects.toThrow(TaskSetError);
      await expect(load('escape.jsonl', [{ id: 'a', instruction: 'x', expect_files: { [path]: null } }]), path).rejects.toThrow(TaskSetError);
    }
    await expect(
      load('twice.jsonl', [
        { id: 'a/1', instruction: 'x', check: 'true' },
        { id: 'a.1', instruction: 'x', check: 'true' },
      ]),
    ).rejects.toThrow(/both become family twice\.a-1/);
  });

  it('is the schema docs/envs/mcp.md prints', async () => {
    const page = await readFile(new URL('../../../docs/envs/mcp.md', import.meta.url), 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(page.slice(page.indexOf('## Task files')))?.[1];
    expect(JSON.parse(block ?? 'null')).toEqual(MCP_TASK_SCHEMA);
  });
});

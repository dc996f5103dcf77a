import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskSetError } from '@workgym/protocol/kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTaskSets } from '../src/task-sets/index.js';

const miniwob = fileURLToPath(new URL('./fixtures/miniwob', import.meta.url));
const generic = fileURLToPath(new URL('./fixtures/browser-tasks', import.meta.url));
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'workgym-task-sets-'));
});

const ids = (paths: string[]) => loadTaskSets(paths).map((t) => t.family.id);

describe('browser task sets: dispatch by layout', () => {
  it('reads a MiniWoB++ folder as released: the repository root, its miniwob/ folder, or a folder with html/miniwob', async () => {
    const root = join(scratch, 'miniwob-plusplus');
    await cp(miniwob, join(root, 'miniwob'), { recursive: true });
    const expected = ids([miniwob]);
    expect(expected).toContain('browser/miniwob.click-button');
    expect(ids([root])).toEqual(expected);
    expect(ids([join(root, 'miniwob')])).toEqual(expected);
  });

  it('reads a .jsonl file (set named after the file) and a folder holding tasks.jsonl (set named after the folder)', () => {
    expect(ids([join(generic, 'tasks.jsonl')])).toEqual(['browser/tasks.order-1', 'browser/tasks.search-2', 'browser/tasks.code-3']);
    expect(ids([generic])).toEqual(['browser/browser-tasks.order-1', 'browser/browser-tasks.search-2', 'browser/browser-tasks.code-3']);
  });

  it('gives each generic task a verifier version from its own line: another answer is another version', async () => {
    const dir = join(scratch, 'versions');
    await cp(generic, dir, { recursive: true });
    const before = loadTaskSets([dir]).map((t) => t.family.verifierVersion);
    const text = await readFile(join(dir, 'tasks.jsonl'), 'utf8');
    await writeFile(join(dir, 'tasks.jsonl'), text.replace('"K-42"', '"K-43"'));
    const after = loadTaskSets([dir]).map((t) => t.family.verifierVersion);
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).not.toBe(before[2]);
  });

  it('refuses a path of no known layout, naming it and the layouts it knows', async () => {
    const other = join(scratch, 'other');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'notes.txt'), 'hello');
    for (const path of [other, join(other, 'notes.txt')]) {
      expect(() => loadTaskSets([path])).toThrow(TaskSetError);
      expect(() => loadTaskSets([path])).toThrow(`${path}: not a browser task set; the browser env reads a MiniWoB++ folder`);
    }
    expect(() => loadTaskSets([join(other, 'missing')])).toThrow(`${join(other, 'missing')}: no such file or folder`);
  });

  it('names the line and field of a bad task line', async () => {
    const file = join(scratch, 'bad.jsonl');
    await writeFile(
      file,
      '{"id":"a","site":".","start":"index.html","instruction":"x","answer":"1"}\n\n{"id":"b","site":".","start":"index.html","instruction":7,"answer":"2"}\n',
    );
    expect(() => loadTaskSets([file])).toThrow('bad.jsonl line 3: field "instruction" must be string');
    await writeFile(file, '{"id":"a","site":".","start":"index.html","instruction":"x","submissions":[{"path":"/f","fields":{"n":1}}]}\n');
    expect(() => loadTaskSets([file])).toThrow(/bad\.jsonl line 1: field "submissions\.0\.fields\.n"/);
    await writeFile(file, '{"id":"a","site":"nowhere","start":"index.html","instruction":"x","answer":"1"}\n');
    expect(() => loadTaskSets([file])).toThrow('bad.jsonl task a: site folder nowhere is not a folder next to the file');
  });

  it('refuses two tasks that become one family', async () => {
    const file = join(scratch, 'twins.jsonl');
    const line = (id: string) => JSON.stringify({ id, site: '.', start: 'index.html', instruction: 'x', answer: '1' });
    await writeFile(file, `${line('a/1')}\n${line('a.1')}\n`);
    expect(() => loadTaskSets([file])).toThrow('task set twins: tasks "a/1" and "a.1" both become family browser/twins.a-1');
  });
});

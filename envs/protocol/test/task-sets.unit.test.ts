import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertUniqueTaskNames,
  readJsonLines,
  taskExcerpt,
  taskFamilyName,
  taskSetEnvValue,
  taskSetName,
  taskSetPathsFromEnv,
  TASKS_ENV,
  taskVerifierVersion,
} from '../src/kit/index.js';

const schema = {
  type: 'object',
  required: ['id', 'entry_point'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    entry_point: { type: 'string' },
    cases: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
  },
};

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'task-sets-')), 'tasks.jsonl');
  writeFileSync(path, text);
  return path;
}

describe('readJsonLines', () => {
  it('reads each non-blank line', () => {
    const rows = readJsonLines<{ id: string }>(file('{"id":"a","entry_point":"f"}\n\n{"id":"b","entry_point":"g"}\n'), schema);
    expect(rows.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('names the line and the field of a bad task', () => {
    expect(() => readJsonLines(file('{"id":"a","entry_point":"f"}\n{"id":"b","entry_point":3}\n'), schema)).toThrow(
      /^tasks\.jsonl line 2: field "entry_point" must be string$/,
    );
    expect(() => readJsonLines(file('{"id":"a"}\n'), schema)).toThrow(/^tasks\.jsonl line 1: field "entry_point" is missing$/);
    expect(() => readJsonLines(file('{"id":"a","entry_point":"f","extra":1}\n'), schema)).toThrow(/line 1: field "extra" is not part of the format/);
    expect(() => readJsonLines(file('{"id":"a","entry_point":"f","cases":[{"n":1.5}]}\n'), schema)).toThrow(/line 1: field "cases\.0\.n" must be integer/);
  });

  it('says a line is not JSON, and a file that is not there', () => {
    expect(() => readJsonLines(file('{"id":\n'), schema)).toThrow(/^tasks\.jsonl line 1: not JSON/);
    expect(() => readJsonLines('/nonexistent/tasks.jsonl', schema)).toThrow('/nonexistent/tasks.jsonl: cannot read it (ENOENT)');
  });
});

describe('task-set paths and names', () => {
  it('round-trips paths through the environment variable and refuses a malformed one', () => {
    const paths = ['/data/a b', '/data/c:d'];
    expect(taskSetPathsFromEnv({ [TASKS_ENV]: taskSetEnvValue(paths) })).toEqual(paths);
    expect(taskSetPathsFromEnv({})).toEqual([]);
    expect(() => taskSetPathsFromEnv({ [TASKS_ENV]: '/data/a' })).toThrow(/must be a JSON array of paths/);
    expect(() => taskSetPathsFromEnv({ [TASKS_ENV]: '[1]' })).toThrow(/must be a JSON array of paths/);
  });

  it('makes family names from task ids and refuses two tasks with one name', () => {
    expect(taskFamilyName('humaneval', 'HumanEval/0')).toBe('humaneval.HumanEval-0');
    expect(() =>
      assertUniqueTaskNames('s', [
        { name: 's.a-b', id: 'a/b' },
        { name: 's.a-b', id: 'a b' },
      ]),
    ).toThrow('tasks "a/b" and "a b" both become family s.a-b');
  });

  it('names a set from its file name, versions a task by loader and content, and clips descriptions to one line', () => {
    expect(taskSetName('my tasks.v2')).toBe('my-tasks-v2');
    expect(taskSetName('')).toBe('tasks');
    const version = taskVerifierVersion('loader-1', { id: 'a', check: 'x' });
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(taskVerifierVersion('loader-1', { id: 'a', check: 'x' })).toBe(version);
    expect(taskVerifierVersion('loader-2', { id: 'a', check: 'x' })).not.toBe(version);
    expect(taskVerifierVersion('loader-1', { id: 'a', check: 'y' })).not.toBe(version);
    expect(taskExcerpt('  two\n lines  ')).toBe('two lines');
    expect(taskExcerpt('x'.repeat(200), 20)).toBe(`${'x'.repeat(17)}...`);
  });
});

// The pieces the code experts are built from: line regions for edit_file, shell command lines
// (run through a real bash), the episode history they decide from, test output reading.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedRegion } from '../src/tasks/expert/diff.js';
import { sedLineCommand, shownStdout, writeCommand } from '../src/tasks/expert/shell.js';
import { failingTests, firstMismatch, testVerdict } from '../src/tasks/expert/tests-output.js';
import { EpisodeHistory } from '../src/tasks/expert/view.js';

const dir = mkdtempSync(join(tmpdir(), 'workgym-expert-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bash(command: string): void {
  execFileSync('/bin/bash', ['-c', command], { cwd: dir });
}

describe('changedRegion', () => {
  it('replaces only the changed lines', () => {
    expect(changedRegion('a\nb\nc\n', 'a\nB\nc\n')).toEqual({ old: 'b', new: 'B', line: 2 });
  });

  it('anchors an insertion on the next line and widens a block until it occurs once', () => {
    expect(changedRegion('x\n  def items(self):\n', 'x\n  def top(self):\n  def items(self):\n')).toEqual({
      old: '  def items(self):',
      new: '  def top(self):\n  def items(self):',
      line: 2,
    });
    const region = changedRegion('k = 1\nv = 2\nk = 1\nv = 3\n', 'k = 1\nv = 2\nk = 1\nv = 4\n')!;
    expect(region.old).toBe('v = 3');
    const repeated = changedRegion('same\nend\nsame\n', 'same\nend\nother\n')!;
    expect(repeated).toEqual({ old: 'end\nsame\n', new: 'end\nother\n', line: 2 });
  });

  it('never gives a blank old text and nothing for equal texts', () => {
    expect(changedRegion('a\n\nb\n', 'a\n\n\nb\n')!.old.trim()).not.toBe('');
    expect(changedRegion('a\n', 'a\n')).toBeUndefined();
  });
});

describe('shell command lines, run by bash', () => {
  it('writes any content with a here-document, even one holding the delimiter', () => {
    for (const content of ['plain\n', "it's $HOME `x` \\n\nEOF\n", 'no newline at the end']) {
      bash(writeCommand('out.txt', content));
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(content);
    }
  });

  it('replaces one line with sed, whatever characters it holds', () => {
    writeFileSync(join(dir, 'code.py'), 'first\n    x = a / b & c\nlast\n');
    const line = "    return f'{a}/{b}' if x else r'\\d+' & \"q\"";
    bash(sedLineCommand('code.py', 2, line));
    expect(readFileSync(join(dir, 'code.py'), 'utf8')).toBe(`first\n${line}\nlast\n`);
  });

  it('reads back what a successful command printed on stdout', () => {
    expect(shownStdout('exit code 0 (3 ms)\n--- stdout ---\na\nb\n--- stderr ---\nwarn')).toBe('a\nb');
    expect(shownStdout('exit code 0 (3 ms)\n(no output)')).toBe('');
    expect(shownStdout('exit code 1 (3 ms)\n--- stdout ---\na')).toBeUndefined();
  });
});

describe('EpisodeHistory', () => {
  it('remembers calls with the state of the watched files they ran on, and what was shown', () => {
    const files: Record<string, string> = { 'a.py': 'one' };
    const history = new EpisodeHistory((path) => files[path], ['a.py']);
    const read = { name: 'read_file', arguments: { path: 'a.py' } };
    history.show('the task');
    history.record(read, 'a.py (lines 1-1 of 1)\none');
    expect(history.made(read, ['a.py'])).toBe(true);
    expect(history.made({ name: 'read_file', arguments: { path: 'a.py' } })).toBe(true);
    expect(history.shown('of 1)\n   one')).toBe(true);
    files['a.py'] = 'two';
    expect(history.made(read)).toBe(true);
    expect(history.made(read, ['a.py'])).toBe(false);
    history.record({ name: 'run_tests', arguments: {} }, 'Error (timeout): late', true);
    expect(history.made({ name: 'run_tests', arguments: {} })).toBe(false);
    expect(history.output(read)).toBe('a.py (lines 1-1 of 1)\none');
  });
});

describe('test output', () => {
  const unittest =
    "test_example_1 (tests.test_x.TestF.test_example_1) ... FAIL\n\n======\nFAIL: test_example_1 (tests.test_x.TestF.test_example_1)\n---\nTraceback...\nAssertionError: '1;2' != '1-2'\n\nFAILED (failures=1)\n";
  const tap = 'TAP version 13\nnot ok 1 - f example 1\n  ---\n  expected: 2\n  actual: 5\n  ...\n# pass 2\n# fail 1\n';

  it('names the failing tests and the first mismatch (unittest and node --test)', () => {
    expect(failingTests(unittest)).toEqual(['tests.test_x.TestF.test_example_1']);
    expect(firstMismatch(unittest)).toBe("'1;2' != '1-2'");
    expect(failingTests(tap)).toEqual(['f example 1']);
    expect(firstMismatch(tap)).toBe('expected 2, got 5');
    expect(testVerdict(unittest)).toBe('FAILED (failures=1)');
    expect(testVerdict('Ran 3 tests in 0.001s\n\nOK\n')).toBe('OK');
    expect(testVerdict(tap)).toBe('fail 1');
  });
});

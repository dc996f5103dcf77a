// Task sets in the code env, in process (local sandbox): HumanEval, MBPP and the generic format
// load from small fixtures in each upstream layout, every task is a family the conformance suite
// plays (the expert writes the dataset's reference and succeeds, the near-misses and doing
// nothing fail), and the judge keeps to each suite's own test.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assertEnvConforms, toolCall, type StepReply } from '@workgym/protocol';
import { TaskSetError } from '@workgym/protocol/kit';
import { CodeEnv, manifest } from '../src/index.js';
import { GENERIC_SCHEMA } from '../src/task-sets/generic.js';
import { servedInProcess } from './helpers.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'task-sets');
const HUMANEVAL = join(FIXTURES, 'humaneval-mini.jsonl');
const MBPP = join(FIXTURES, 'mbpp-mini.jsonl');
const GENERIC = join(FIXTURES, 'code-tasks.jsonl');
const scratch = mkdtempSync(join(tmpdir(), 'workgym-code-task-sets-'));
const HUMANEVAL_GZ = join(scratch, 'HumanEval.jsonl.gz');
writeFileSync(HUMANEVAL_GZ, gzipSync(readFileSync(HUMANEVAL)));

const env = new CodeEnv([], { tasks: [HUMANEVAL_GZ, MBPP, GENERIC] });
const client = servedInProcess(env);

/** Plays `calls` (then the expert, when `expert`), and returns the final reply. */
async function episode(family: string, calls: { name: string; args?: object }[], expert = false): Promise<{ reply: StepReply; seen: string[] }> {
  const reset = await client.reset({ family, seed: 1, maxSteps: 20 });
  const seen = [reset.observation?.text ?? ''];
  try {
    let reply: StepReply | undefined;
    for (const [i, c] of calls.entries()) {
      reply = await client.step(reset.session, [toolCall(c.name, c.args ?? {}, `c${i}`)]);
      seen.push(...reply.results.map((r) => r.text));
    }
    while (expert && !reply?.terminated) reply = await client.step(reset.session, (await client.expert(reset.session)).calls);
    return { reply: reply!, seen };
  } finally {
    await client.closeSession(reset.session);
  }
}

const HUMANEVAL_IDS = ['code/humaneval.HumanEval-0', 'code/humaneval.HumanEval-1', 'code/humaneval.HumanEval-2'];

describe('code task sets', () => {
  it('lists every task as a family code/<set>.<task id>, with a verifier version per task', () => {
    const families = env.families();
    expect(families.map((f) => f.id)).toEqual([...HUMANEVAL_IDS, 'code/mbpp.601', 'code/mbpp.602', 'code/code-tasks.slugify', 'code/shell-basics.count-lines']);
    const versions = families.map((f) => f.verifierVersion);
    expect(new Set(versions).size).toBe(versions.length);
    for (const version of versions) expect(version).toMatch(/^[0-9a-f]{16}$/);
    // A .jsonl.gz reads as the same tasks as the plain file.
    expect(new CodeEnv([], { tasks: [HUMANEVAL] }).families().map((f) => f.id)).toEqual(HUMANEVAL_IDS);
  });

  it('is what manifest.create({ tasks }) builds, beside the generated families', async () => {
    const created = await manifest.create({ tasks: [MBPP] });
    const ids = created.families().map((f) => f.id);
    expect(ids).toContain('code/py-implement-function');
    expect(ids.slice(-2)).toEqual(['code/mbpp.601', 'code/mbpp.602']);
    await created.close();
  });

  it('runs HumanEval with the reference solutions at 100% and the empty bodies (submit at once) at 0%', { timeout: 300_000 }, async () => {
    for (const family of HUMANEVAL_IDS) {
      const solved = await episode(family, [], true);
      expect(solved.reply.verdict?.success, `${family}: ${solved.reply.verdict?.detail}`).toBe(true);
      expect(solved.reply.verdict?.detail).toBe('1/1 tests pass');
      const empty = await episode(family, [{ name: 'submit' }]);
      expect(empty.reply.verdict?.success).toBe(false);
      expect(empty.reply.verdict?.reward).toBe(0);
    }
  });

  it("runs MBPP's asserts one case each, with its setup code in the solution's globals", { timeout: 300_000 }, async () => {
    const solved = await episode('code/mbpp.602', [], true);
    expect(solved.reply.verdict).toMatchObject({ success: true, reward: 1, detail: '2/2 tests pass' });
    const half = await episode('code/mbpp.602', [
      { name: 'write_file', args: { path: 'solution.py', content: 'def scaled_sum(xs):\n    return 0\n' } },
      { name: 'submit' },
    ]);
    // Success is the reward by default; a task set declares no components, so its own share of
    // passing cases stays its shaped reward.
    expect(half.reply.verdict).toMatchObject({ success: false, reward: 0, shapedReward: 0.5 });
    expect(half.reply.verdict?.detail).toContain('case 1 gave {"error":"AssertionError"}');
  });

  it('passes the conformance suite on every task of every set (the expert, its near-misses, doing nothing)', { timeout: 1_200_000 }, async () => {
    const report = await assertEnvConforms(client, { seeds: [1] });
    const nearMisses = report.results.filter((r) => r.check.startsWith('near-miss ')).map((r) => `${r.family} ${r.check}`);
    expect(nearMisses).toContain('code/humaneval.HumanEval-0 near-miss exit-zero does not succeed');
    expect(nearMisses).toContain('code/humaneval.HumanEval-0 near-miss print-pass does not succeed');
    expect(nearMisses).toContain('code/shell-basics.count-lines near-miss edit-visible-files does not succeed');
    expect(nearMisses).toContain('code/shell-basics.count-lines near-miss delete-visible-files does not succeed');
  });

  it('keeps hidden files and tests out of the workspace, and puts visible tests back before judging', { timeout: 300_000 }, async () => {
    const look = await episode('code/shell-basics.count-lines', [{ name: 'bash', args: { command: 'ls -R; cat hidden.txt' } }]);
    expect(look.seen.join('\n')).toContain('hidden.txt: No such file or directory');
    const humaneval = await episode('code/humaneval.HumanEval-0', [{ name: 'bash', args: { command: 'grep -rl "def check" . ~ 2>&1; ls -a' } }]);
    expect(humaneval.seen.join('\n')).not.toContain('def check');

    // The visible test rewritten to pass, beside a script that prints PASS: the original test runs and fails.
    const gamed = await episode('code/shell-basics.count-lines', [
      { name: 'write_file', args: { path: 'count.sh', content: 'echo PASS\n' } },
      { name: 'write_file', args: { path: 'tests/check.sh', content: 'echo PASS\n' } },
      { name: 'submit' },
    ]);
    expect(gamed.reply.verdict?.success).toBe(false);
    expect(gamed.reply.verdict?.detail).toContain('the check command exited with 1');
    // A solution right on the visible file only fails the hidden file.
    const visibleOnly = await episode('code/shell-basics.count-lines', [
      { name: 'write_file', args: { path: 'count.sh', content: 'echo 2\n' } },
      { name: 'run_tests' },
      { name: 'submit' },
    ]);
    expect(visibleOnly.seen.join('\n')).toContain('ok');
    expect(visibleOnly.reply.verdict?.success).toBe(false);
  });

  it("says when a task's reference solution fails its own test", { timeout: 300_000 }, async () => {
    const file = join(scratch, 'broken.jsonl');
    const task = { id: 'broken', instruction: 'Write ok.sh.', files: {}, check: 'sh ok.sh', reference: { 'ok.sh': 'exit 3\n' } };
    writeFileSync(file, `${JSON.stringify(task)}\n`);
    const broken = new CodeEnv([], { tasks: [file] });
    try {
      await using session = await broken.reset({ family: 'code/broken.broken', seed: 1, split: 'train', options: {} }, AbortSignal.timeout(60_000));
      await session.step({ id: 'w', name: 'write_file', arguments: { path: 'ok.sh', content: 'exit 0\n' } }, AbortSignal.timeout(60_000));
      const verdict = await session.verify(AbortSignal.timeout(60_000));
      expect(verdict.success).toBe(true);
      expect(verdict.detail).toContain('TASK BROKEN: the reference solution fails its own test (the check command exited with 3)');
    } finally {
      await broken.close();
    }
  });
});

it('prints in docs/envs/code.md the JSON Schema the generic loader checks lines against', () => {
  const docs = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'envs', 'code.md'), 'utf8');
  const block = /```json task-schema\n([\s\S]*?)```/.exec(docs);
  expect(block, 'docs/envs/code.md has a ```json task-schema block').not.toBeNull();
  expect(JSON.parse(block![1]!)).toEqual(GENERIC_SCHEMA);
});

describe('code task-set files that cannot be read', () => {
  const write = (name: string, lines: unknown[]) => {
    const file = join(scratch, name);
    writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    return file;
  };
  const refusal = (paths: string[]) => {
    try {
      new CodeEnv([], { tasks: paths });
    } catch (error) {
      expect(error).toBeInstanceOf(TaskSetError);
      return (error as Error).message;
    }
    throw new Error('the task set was accepted');
  };
  const task = { id: 't1', instruction: 'Do it.', files: { 'a.txt': 'a\n' }, check: 'true', reference: { 'b.txt': 'b\n' } };

  it('names the line and the field of a bad line', () => {
    const humaneval = JSON.parse(readFileSync(HUMANEVAL, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(refusal([write('he.jsonl', [humaneval, { ...humaneval, task_id: 'HumanEval/9', entry_point: 7 }])])).toBe(
      'he.jsonl line 2: field "entry_point" must be string',
    );
    expect(refusal([write('generic.jsonl', [task, '', { ...task, id: 't2', check: undefined }])])).toBe('generic.jsonl line 3: field "check" is missing');
    expect(refusal([write('typo.jsonl', [{ ...task, hiden_files: {} }])])).toBe('typo.jsonl line 1: field "hiden_files" is not part of the format');
    expect(refusal([write('escape.jsonl', [{ ...task, files: { '../etc/passwd': 'x' } }])])).toContain('escape.jsonl line 1: field "files"');
    expect(refusal([write('mbpp.jsonl', [{ task_id: 1, text: 'x', code: 'y', test_list: [] }])])).toBe(
      'mbpp.jsonl line 1: field "test_list" must NOT have fewer than 1 items',
    );
  });

  it('names the path and the formats it knows for anything else', () => {
    expect(refusal([FIXTURES])).toMatch(
      /task-sets: not a task set the code env knows; the code env reads JSON Lines files .* HumanEval .* MBPP .* workgym code tasks/,
    );
    expect(refusal([write('other.jsonl', [{ question: 'q', answer: 'a' }])])).toContain(
      'other.jsonl: line 1 is none of the formats the code env knows (fields question, answer)',
    );
    expect(refusal([join(scratch, 'missing.jsonl')])).toContain('missing.jsonl: cannot read it (ENOENT)');
  });

  it('refuses two tasks that become the same family, and a hidden file that would overwrite the solution', () => {
    expect(refusal([write('twice.jsonl', [task, { ...task, id: 't/1' }, { ...task, id: 't 1' }])])).toBe(
      'task set code: tasks "twice/t/1" and "twice/t 1" both become family twice.t-1',
    );
    expect(refusal([HUMANEVAL, HUMANEVAL_GZ])).toContain('both become family humaneval.HumanEval-0');
    expect(refusal([write('clash.jsonl', [{ ...task, hidden_files: { 'b.txt': 'hidden\n' } }])])).toBe(
      'clash.jsonl: task "t1": hidden file "b.txt" is also a reference file (the judge would overwrite the solution)',
    );
  });
});

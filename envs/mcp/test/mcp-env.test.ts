import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEnvConforms, toolCall, type EnvClient } from '@workgym/protocol';
import { DockerRuntime, manifestServerSpec, type EnvInstance } from '@workgym/runtime';
import { manifest, McpEnv, McpServerError } from '../src/index.js';

// The mcp env in its hardened container, with the filesystem MCP server bundled into the image:
// the organise-files family under the conformance suite, a task file's tasks judged by a check
// command and by expected files, and the errors a bad task file or a dead server give.

const CLI = fileURLToPath(new URL('../../../tools/cli/src/main.ts', import.meta.url));

/** Runs `workgym ...args` from source to the end; a non-zero exit is returned, not thrown. */
async function workgym(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { timeout: 540_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const TASKS = [
  {
    id: 'greeting',
    instruction: 'Write the word hello (nothing else) into greeting.txt, and keep notes/keep.txt.',
    files: { 'notes/keep.txt': 'keep me\n' },
    check: 'test "$(cat "$WORKSPACE/greeting.txt")" = hello && test -f notes/keep.txt || { echo "greeting.txt is not hello"; exit 1; }',
  },
  {
    id: 'rename',
    instruction: 'Rename draft.txt to final.txt.',
    files: { 'draft.txt': 'v1\n' },
    expect_files: { 'final.txt': 'v1\n', 'draft.txt': null },
  },
];

const runtime = new DockerRuntime({ runId: `test-mcp-${process.pid}` });
let dir: string;
let taskFile: string;
let instance: EnvInstance;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-mcp-'));
  await chmod(dir, 0o755);
  taskFile = join(dir, 'tidy.jsonl');
  await writeFile(taskFile, TASKS.map((t) => JSON.stringify(t)).join('\n') + '\n', { mode: 0o644 });
  const spec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-test') });
  instance = await runtime.start({ ...spec, tasks: [taskFile] });
}, 900_000);

afterAll(async () => {
  await instance?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Plays `calls` (name and arguments) in a new episode of `family`, then submits; returns each step's reply. */
async function play(client: EnvClient, family: string, calls: [string, object][]) {
  const reset = await client.reset({ family, seed: 1 });
  try {
    const replies = [];
    for (const [name, args] of [...calls, ['submit', {}] as [string, object]]) replies.push(await client.step(reset.session, [toolCall(name, args)]));
    return { reset, replies, last: replies.at(-1)! };
  } finally {
    await client.closeSession(reset.session);
  }
}

describe('the mcp env in its container', () => {
  it('passes the conformance suite on organise-files (its near-misses, its relaxation, its guesses and the collateral case fail) and on a task-file task', async () => {
    const report = await assertEnvConforms(instance.client, {
      seeds: [1],
      relaxationSeeds: [1, 2],
      guessSeeds: [1, 2],
      families: ['mcp/organise-files', 'mcp/tidy.greeting'],
      expertOptional: ['mcp/tidy.greeting'],
    });
    const played = report.results.filter((r) => r.family === 'mcp/organise-files' && r.check.startsWith('near-miss') && !r.skipped);
    expect(played.map((r) => r.check).sort()).toEqual(['copy-notes', 'forget-data', 'keep-case', 'one-folder'].map((n) => `near-miss ${n} does not succeed`));
    const organise = report.results.filter((r) => r.family === 'mcp/organise-files' && !r.skipped).map((r) => r.check);
    // The kit's collateral case: the expert's layout plus README.md edited fails on no_collateral.
    expect(organise).toEqual(expect.arrayContaining(['relaxation', 'guessing floor', 'collateral']));
  }, 600_000);

  it("pays organise-files nothing for damage after the right layout, on the kit's whole-workspace check: a stray file at the top or in data/, or README.md changed", async () => {
    for (const damage of [
      { path: '/workspace/todo-later.txt', content: 'x\n' },
      { path: '/workspace/data/extra.csv', content: 'date,count\n' },
      { path: '/workspace/README.md', content: 'Shared folder.\n' },
    ]) {
      const reset = await instance.client.reset({ family: 'mcp/organise-files', seed: 1, reward: 'shaped' });
      try {
        for (;;) {
          const [call] = (await instance.client.expert(reset.session)).calls;
          if (call!.name === 'submit') break;
          await instance.client.step(reset.session, [call!]);
        }
        await instance.client.step(reset.session, [toolCall('write_file', damage)]);
        const { verdict } = await instance.client.step(reset.session, [toolCall('submit', {})]);
        expect(verdict, damage.path).toMatchObject({ success: false, shapedReward: 0, components: { notes_filed: 1, data_filed: 1, no_collateral: 0 } });
      } finally {
        await instance.client.closeSession(reset.session);
      }
    }
  }, 120_000);

  it("passes the MCP server's tools through with their schemas; a tool error is an error observation; a long result is cut", async () => {
    const { reset, replies } = await play(instance.client, 'mcp/tidy.greeting', [
      ['read_text_file', { path: '/etc/passwd' }],
      ['write_file', { path: '/workspace/big.txt', content: 'x'.repeat(150_000) }],
      ['read_text_file', { path: '/workspace/big.txt' }],
    ]);
    const names = reset.tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['read_text_file', 'write_file', 'move_file', 'list_directory', 'submit']));
    const write = JSON.parse(reset.tools.find((t) => t.name === 'write_file')!.parametersJson) as Record<string, unknown>;
    expect(write).toMatchObject({ type: 'object', required: ['path', 'content'] });
    expect(reset.task?.instruction).toContain('The files are in /workspace.');
    expect(replies[0]!.results[0]!.error?.kind).toBe('tool_error');
    expect(replies[0]!.results[0]!.text).toMatch(/Access denied - path outside allowed directories/);
    expect(replies[2]!.results[0]!.text).toBe(`${'x'.repeat(100_000)}\n[... cut: 50000 more characters]`);
    expect(Number(replies[2]!.observation?.rawSize)).toBe(150_000);
  }, 120_000);

  it("judges a task file's task by its check command, which the agent's tools cannot reach", async () => {
    const done = await play(instance.client, 'mcp/tidy.greeting', [
      ['read_text_file', { path: '/workgym/tasks/0/tidy.jsonl' }],
      ['write_file', { path: '/workspace/greeting.txt', content: 'hello' }],
    ]);
    expect(done.replies[0]!.results[0]!.error?.kind).toBe('tool_error');
    expect(done.last.verdict).toMatchObject({ success: true, reward: 1 });
    const wrong = await play(instance.client, 'mcp/tidy.greeting', [['write_file', { path: '/workspace/greeting.txt', content: 'hullo' }]]);
    expect(wrong.last.verdict).toMatchObject({ success: false, reward: 0 });
    expect(wrong.last.verdict?.detail).toMatch(/check command exited with 1: greeting.txt is not hello/);
  }, 120_000);

  it("judges a task file's task by the files it must end with", async () => {
    const moved = await play(instance.client, 'mcp/tidy.rename', [['move_file', { source: '/workspace/draft.txt', destination: '/workspace/final.txt' }]]);
    expect(moved.last.verdict).toMatchObject({ success: true, reward: 1 });
    const copied = await play(instance.client, 'mcp/tidy.rename', [['write_file', { path: '/workspace/final.txt', content: 'v1\n' }]]);
    expect(copied.last.verdict).toMatchObject({ success: false, detail: 'draft.txt should not exist' });
  }, 120_000);
});

describe('workgym with the mcp env', () => {
  it('refuses a task file with a malformed line in one line naming the line and the field', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify(TASKS[0])}\n${JSON.stringify({ id: 'x', instruction: 5, check: 'true' })}\n`);
    const run = await workgym('check', 'mcp', '--tasks', bad, '--seeds', '1');
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim()).toBe('workgym: bad.jsonl line 2: field "instruction" must be string');
  }, 120_000);
});

describe('an MCP server that does not start', () => {
  it('is one McpServerError saying what the server said', async () => {
    const dead = McpEnv.create({
      name: 'dead',
      job: 'assistant',
      server: (root) => ({ command: process.execPath, args: ['-e', 'console.error("boom: no config file"); process.exit(3)'], cwd: root }),
      families: [],
      inContainer: false,
    });
    await expect(dead).rejects.toThrow(McpServerError);
    await expect(dead).rejects.toThrow(/^the MCP server .* did not start: .*; it said: boom: no config file$/);
  }, 60_000);
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// `workgym eval --run RUN` scores the episodes a run holds, as its agent played them.

let run: string;

beforeAll(async () => {
  run = join(await mkdtemp(join(tmpdir(), 'workgym-cli-eval-run-')), 'run');
  const writer = await createRun(run);
  for (const [n, success] of [true, false].entries()) {
    await writer.append({
      episodeId: `ep-${n}`,
      env: 'code',
      family: 'code/py-fix-bug',
      job: 'junior-programmer',
      seed: n,
      status: success ? 'success' : 'failure',
      success,
      finalReward: Number(success),
      steps: [],
    });
  }
  await writer.finalize();
});

describe('workgym eval --run', () => {
  it('scores the run', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await workgym('eval', '--run', run);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`Evaluation of ${run}`);
    expect(stdout).toMatch(/code\/py-fix-bug/);
  });

  it("refuses --expert-variant in one line: the run's episodes were played by their own expert", { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await workgym('eval', '--run', run, '--expert-variant', 'sed');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const [first, ...rest] = stderr.trimEnd().split('\n');
    expect(first).toBe(
      `workgym: --run scores the episodes ${run} holds as they were played, so --expert-variant (how to play new episodes, with --agent) cannot change them; drop it`,
    );
    expect(rest.every((line) => line.startsWith('hint: '))).toBe(true);
  });

  it('names every option for new episodes given with --run', { timeout: 120_000 }, async () => {
    const { code, stderr } = await workgym('eval', '--run', run, '--model', 'm', '--temperature', '0.5', '--policy', 'policies/bc');
    expect(code).toBe(1);
    expect(stderr.split('\n')[0]).toContain('so --model, --temperature, --policy (how to play new episodes, with --agent) cannot change them; drop them');
  });
});

import { describe, expect, it } from 'vitest';
import { workgym } from './run-cli.js';

describe("who plays the tasks' people (--people-model, --people-base-url)", () => {
  it('refuses one without the other in one line, for rollout, eval and transfer', { timeout: 300_000 }, async () => {
    const runs = await Promise.all([
      workgym('rollout', '--agent', 'expert', '--family', 'code/py-fix-bug', '--out', '/tmp/never', '--people-model', 'persona', '--dry-run'),
      workgym('eval', '--agent', 'expert', '--family', 'code/py-fix-bug', '--people-base-url', 'http://127.0.0.1:9/v1', '--dry-run'),
      workgym('transfer', '--env', 'code', '--out', '/tmp/never', '--people-model', 'persona', '--dry-run'),
    ]);
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1]);
    expect(runs[0]!.stderr).toContain('peopleModel: --people-model needs --people-base-url');
    expect(runs[1]!.stderr).toMatch(/^workgym: --people-base-url needs --people-model\n/);
    expect(runs[2]!.stderr).toMatch(/^workgym: --people-model needs --people-base-url\n/);
    for (const run of runs) expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('says in the plan who plays them', { timeout: 300_000 }, async () => {
    const given = await workgym(
      'rollout',
      '--agent',
      'expert',
      '--family',
      'code/py-fix-bug',
      '--out',
      '/tmp/workgym-never-written',
      '--people-model',
      'persona-1',
      '--people-base-url',
      'http://127.0.0.1:9/v1',
      '--dry-run',
    );
    expect(given.code).toBe(0);
    expect(given.stdout).toMatch(/people: persona-1 at http:\/\/127\.0\.0\.1:9\/v1/);
    const scripted = await workgym('rollout', '--agent', 'expert', '--family', 'code/py-fix-bug', '--out', '/tmp/workgym-never-written', '--dry-run');
    expect(scripted.stdout).toMatch(/people: the families' scripts/);
  });
});

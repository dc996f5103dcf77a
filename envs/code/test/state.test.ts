// The code session's state snapshot (what the kit compares on infeasible seeds and for the
// whole-state guard no_collateral) in both sandboxes, the changes each task expects and the
// kit's collateral near-miss (touch), and the infeasible seeds of the families that have them:
// every strategy reports, and a report succeeds only on an untouched workspace.
import { afterAll, describe, expect, it } from 'vitest';
import { toolCall, type EnvClient, type Session, type StepReply } from '@workgym/protocol';
import { diffStates, infeasibleSeed } from '@workgym/protocol/kit';
import { connectDocker, DockerRuntime, LABEL_RUN } from '@workgym/runtime';
import { CodeEnv } from '../src/index.js';
import { declaredChanges, expectsChange, type TaskInstance } from '../src/tasks/task.js';
import { open, ownInstance, servedInProcess } from './helpers.js';

const env = new CodeEnv();
const client = servedInProcess(env);
const runtime = new DockerRuntime({ runId: `test-code-state-${process.pid}` });
const INFEASIBLE_FAMILIES = env.families().filter((f) => (f.features ?? []).includes('infeasible'));
/** The family's infeasible seeds among 1..8 (two: one in every four). */
const infeasibleSeeds = (family: string) => Array.from({ length: 8 }, (_, i) => i + 1).filter((seed) => infeasibleSeed(family, 'train', seed));

afterAll(async () => {
  const left = await connectDocker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } });
  expect(left).toEqual([]);
});

async function bash(session: Session, command: string): Promise<string> {
  const outcome = await session.step({ id: 'c1', name: 'bash', arguments: { command } }, new AbortController().signal);
  return outcome.observation.text ?? '';
}

/** The keys that differ between the session's state before and after `command`. */
async function changedBy(session: Session, command: string): Promise<string[]> {
  const before = await session.state!();
  await bash(session, command);
  return diffStates(before, await session.state!())
    .map((change) => change.key)
    .sort();
}

/** Plays the expert's `strategy` until the episode ends, after `first` (a bash command) when given; the last reply. */
async function playReply(c: EnvClient, family: string, seed: number, strategy: string, first?: string): Promise<StepReply> {
  const ep = await open(c, family, seed);
  try {
    if (first) await ep.bash(first);
    for (let i = 0; i < 30; i++) {
      const [action] = (await c.expert(ep.session, { strategy })).calls;
      const reply = await c.step(ep.session, [action!]);
      if (reply.terminated) return reply;
    }
  } finally {
    await ep.close();
  }
  throw new Error(`${family} seed ${seed}: the expert (${strategy}) did not end the episode in 30 steps`);
}

/** Plays the expert's `strategy` until the episode ends; the reward. */
async function playExpert(c: EnvClient, family: string, seed: number, strategy: string): Promise<number> {
  return (await playReply(c, family, seed, strategy)).reward;
}

/** The family's first seed with a task to do. */
const feasibleSeed = (family: string) => [1, 2, 3, 4].find((seed) => !infeasibleSeed(family, 'train', seed))!;

describe('the code session state', () => {
  it('is the same twice untouched and shows a write, a deletion, a chmod and a FIFO as the entry changed', { timeout: 120_000 }, async () => {
    const signal = new AbortController().signal;
    const session = await env.reset({ family: 'code/py-implement-function', seed: 1, split: 'train', options: {} }, signal);
    try {
      const start = await session.state!();
      expect(start['file:solution.py']).toMatch(/^file 0644 sha256:/);
      expect(await session.state!()).toEqual(start);
      expect(await changedBy(session, 'echo x >> solution.py')).toEqual(['file:solution.py']);
      expect(await changedBy(session, 'rm test_solution.py')).toEqual(['file:test_solution.py']);
      expect(await changedBy(session, 'chmod 600 solution.py')).toEqual(['file:solution.py']);
      expect(await changedBy(session, 'mkfifo pipe')).toEqual(['file:pipe']);
      expect((await session.state!())['file:pipe']).toBe('fifo 0644');
      // Scratch space outside the workspace is no part of the task's world.
      expect(await changedBy(session, 'echo scratch > ~/notes.txt; echo scratch > "$TMPDIR/x"')).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('does not change when git reads the history, git status included', { timeout: 120_000 }, async () => {
    const session = await env.reset({ family: 'code/git-history-question', seed: 1, split: 'train', options: {} }, new AbortController().signal);
    try {
      expect(await changedBy(session, 'git status && git log --stat -3 && git diff HEAD~1 --stat')).toEqual([]);
      expect(await changedBy(session, 'git commit -q --allow-empty -m note')).toContain('file:.git/refs/heads/main');
    } finally {
      await session.close();
    }
  });
});

describe('the changes a verdict records', () => {
  const HASHED = /^file 0[0-7]{3} sha256:[0-9a-f]{64}$/;
  const byKey = (verdict: StepReply['verdict']) =>
    new Map(verdict!.changes.map((c) => [c.key, { before: c.before ?? undefined, after: c.after ?? undefined }]));

  it("show a small text file's text at both ends, and the canonical value of anything else (local and container sandboxes)", { timeout: 300_000 }, async () => {
    const instance = await ownInstance(runtime);
    for (const c of [client, instance.client]) {
      const fixed = 'code/py-fix-bug';
      const seed = feasibleSeed(fixed);
      const solved = byKey((await playReply(c, fixed, seed, '')).verdict);
      const edited = [...solved].filter(([, change]) => change.before !== undefined && change.after !== undefined);
      expect(edited.length).toBeGreaterThan(0);
      for (const [key, change] of edited) {
        expect(change.before, key).toBe(env.instance(fixed, seed).files[key.slice('file:'.length)]);
        expect(change.after).not.toMatch(HASHED);
        expect(change.after).not.toBe(change.before);
      }
      const family = 'code/py-implement-function';
      const start = env.instance(family, feasibleSeed(family)).files;
      const made = [
        "printf 'hi\\n' > small.txt",
        "head -c 70000 /dev/zero | tr '\\0' a > big.txt",
        "printf 'a\\0b' > bin.dat",
        'chmod 600 test_solution.py',
        'rm solution.py && ln -s /etc/passwd solution.py',
      ].join(' && ');
      const ep = await open(c, family, feasibleSeed(family));
      await ep.bash(made);
      const changes = byKey((await ep.step('submit')).verdict);
      await ep.close();
      expect(changes.get('file:small.txt')).toEqual({ before: undefined, after: 'hi\n' });
      expect(changes.get('file:big.txt')!.after).toMatch(HASHED);
      expect(changes.get('file:bin.dat')!.after).toMatch(HASHED);
      const chmod = changes.get('file:test_solution.py')!;
      expect([chmod.before, chmod.after].map((v) => v!.replace(/ sha256:\S+/, ''))).toEqual(['file 0644', 'file 0600']);
      // The task's text before; after, the agent's link as a link: nothing is read through it.
      expect(changes.get('file:solution.py')).toEqual({ before: start['solution.py'], after: 'symlink -> "/etc/passwd"' });
    }
  });
});

describe('whole-state checks', () => {
  it('declare what each kind of check changes, and nothing for a question', () => {
    const changes = (family: string, seed = 2) => declaredChanges(env.instance(family, seed)).sort();
    expect(changes('code/sh-log-report')).toEqual(['report.sh']);
    expect(changes('code/it-user-audit')).toEqual([]);
    const permissions = env.instance('code/it-fix-permissions', 2);
    const check = permissions.check as Extract<TaskInstance['check'], { kind: 'modes' }>;
    expect(changes('code/it-fix-permissions').length).toBeGreaterThan(0);
    for (const path of changes('code/it-fix-permissions')) expect(permissions.modes?.[path]).not.toBe(check.expected[path]);
    expect(changes('code/it-disk-cleanup').length).toBeGreaterThan(0);
    expect(expectsChange(['service/app.ini'], 'service')).toBe(false);
    expect(expectsChange(['logs'], 'logs/a.log')).toBe(true);
    expect(expectsChange(['service/app.ini'], 'service/app.py')).toBe(false);
  });

  it(
    'fail the expert plus one touched entry, and a scratch file in the workspace, on no_collateral (local and container sandboxes)',
    { timeout: 600_000 },
    async () => {
      const instance = await ownInstance(runtime);
      for (const c of [client, instance.client]) {
        // A file family (one touched file) and a modes family (touched by its mode when the agent cannot write it).
        for (const family of ['code/py-fix-bug', 'code/it-fix-permissions']) {
          expect((await playReply(c, family, feasibleSeed(family), '')).verdict).toMatchObject({ success: true, components: { no_collateral: 1 } });
          const touched = (await playReply(c, family, feasibleSeed(family), 'collateral')).verdict!;
          expect(touched, family).toMatchObject({ success: false, components: { no_collateral: 0 } });
          expect(touched.detail).toMatch(/changed what the task did not ask for: 1 thing \(file:\S+ changed\)/);
        }
        const question = 'code/repo-question';
        expect((await playReply(c, question, feasibleSeed(question), '', 'echo note > /tmp/note')).verdict).toMatchObject({ success: true });
        const scratch = (await playReply(c, question, feasibleSeed(question), '', 'echo draft > notes.txt')).verdict!;
        expect(scratch).toMatchObject({ success: false, components: { answer: 1, no_collateral: 0 } });
        expect(scratch.detail).toMatch(/file:notes\.txt added/);
      }
    },
  );
});

describe('infeasible seeds', () => {
  it('exist for the families that list the feature', () => {
    expect(INFEASIBLE_FAMILIES.map((f) => f.id).sort()).toEqual(['code/py-implement-function', 'code/repo-question']);
    for (const family of INFEASIBLE_FAMILIES) expect(infeasibleSeeds(family.id!)).toHaveLength(2);
  });

  for (const family of INFEASIBLE_FAMILIES) {
    it(`${family.id ?? ''}: every strategy reports the infeasible seeds`, { timeout: 300_000 }, async () => {
      for (const seed of infeasibleSeeds(family.id!)) {
        for (const strategy of family.strategies ?? []) expect(await playExpert(client, family.id!, seed, strategy), `seed ${seed} ${strategy}`).toBe(1);
      }
    });
  }

  it('pays a report only when the workspace ends as it started (local and container sandboxes)', { timeout: 300_000 }, async () => {
    const family = 'code/py-implement-function';
    const seed = infeasibleSeeds(family)[0]!;
    const report = toolCall('report_infeasible', { reason: 'two examples expect different results from the same call' });
    const instance = await ownInstance(runtime);
    for (const c of [client, instance.client]) {
      const attempts: [string, number][] = [
        ['echo draft > scratch.py; cat test_solution.py', 0],
        ['chmod 600 solution.py', 0],
        ['echo draft > scratch.py; rm scratch.py; echo note > /tmp/note', 1],
      ];
      for (const [command, reward] of attempts) {
        const ep = await open(c, family, seed);
        await ep.bash(command);
        const reply = await c.step(ep.session, [report]);
        expect(reply.reward, command).toBe(reward);
        await ep.close();
      }
    }
  });
});

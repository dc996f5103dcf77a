import { describe, expect, it } from 'vitest';
import { scoreRuns } from '../src/judge/score.js';
import type { HiddenCheck } from '../src/tasks/task.js';

// The judge's verdict from the three runs of a family's cases, and what it tells a family's author.
const check: Extract<HiddenCheck, { kind: 'runs' }> = {
  kind: 'runs',
  reference: { 'solution.py': 'def f(x): return x + 1' },
  suite: { kind: 'python-calls', prelude: 'from solution import f', cases: ['f(1)', 'f(2)', 'f(3)'] },
};
const values = (...xs: unknown[]) => xs.map((value) => ({ value }));

describe('scoreRuns', () => {
  it('scores the cases the starting files fail as hidden and the rest as regression guards', () => {
    const verdict = scoreRuns(check, values(2, 3, 4), values(2, 0, 0), values(2, 3, 0));
    expect(verdict).toMatchObject({ reward: 0.5, success: false, components: { hidden_tests: 0.5, regression_tests: 1 } });
    expect(verdict.detail).toBe('1/2 hidden tests pass; 1/1 regression tests pass; first failure: f(3): expected {"value":4}, got {"value":0}');
  });

  it('names a reference that fails to load as the family being broken', () => {
    const prelude = { error: 'prelude ImportError' };
    const verdict = scoreRuns(check, [prelude, prelude, prelude], [prelude, prelude, prelude], values(2, 3, 4));
    expect(verdict.reward).toBe(0);
    expect(verdict.detail).toMatch(
      /^FAMILY BROKEN: the reference solution failed to load \(prelude ImportError\) on all 3 cases: fix the family's reference files or its prelude; 0\/0 hidden tests pass/,
    );
  });

  it('names a reference that raises on every case', () => {
    const raised = { error: 'NameError' };
    const verdict = scoreRuns(check, [raised, raised, raised], values(2, 0, 0), values(2, 3, 4));
    expect(verdict.detail).toMatch(/^FAMILY BROKEN: the reference solution raised on all 3 cases \(first: f\(1\) raised NameError\)/);
  });

  it('names cases that never tell the reference and the starting files apart', () => {
    const verdict = scoreRuns(check, values(2, 3, 4), values(2, 3, 4), values(2, 3, 4));
    expect(verdict).toMatchObject({ reward: 0, success: false });
    expect(verdict.detail).toMatch(/^FAMILY BROKEN: no case tells the reference solution and the starting files apart/);
  });

  it('says nothing about the family when the reference raises on some cases only (an expected exception)', () => {
    const verdict = scoreRuns(check, [{ error: 'ValueError' }, ...values(3, 4)], values(0, 0, 0), [{ error: 'ValueError' }, ...values(3, 4)]);
    expect(verdict).toMatchObject({ reward: 1, success: true });
    expect(verdict.detail).not.toMatch(/FAMILY BROKEN/);
  });
});

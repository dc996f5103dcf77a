import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two workers share the run; a long file started last makes the run wait for it alone. Vitest
// orders files by their last durations, but a fresh clone (CI) has none and falls back to file
// size, which says little about run time here: a short file can spawn a hundred CLI runs. So the
// files measured slowest start first, longest first; the rest keep vitest's order after them.

/**
 * The slowest files of a full run, longest first (relative to the repository root): the plain
 * CI run's durations in seconds (docs/benchmarks.md, "Test suite time"), the new issue-18 files
 * timed alone. Longest first is the classic greedy schedule for two workers: what starts last is short.
 */
export const SLOW_FIRST: readonly string[] = [
  'tools/cli/test/help-examples.test.ts', // 434
  'envs/code/test/sandbox.test.ts', // 264
  'envs/code/test/experts.test.ts', // 235
  'envs/browser/test/conformance.test.ts', // 207
  'tools/cli/test/family-new.test.ts', // 173
  'envs/browser/test/docker.test.ts', // 146
  'envs/workday/test/conformance.test.ts', // ~300 at load 60 (issue 21)
  'envs/workday/test/docker.test.ts', // ~300 at load 60, image build included (issue 21)
  'tools/cli/test/tasks-option.test.ts', // 99
  'trainers/test/learner.test.ts', // 96
  'envs/code/test/task-sets.test.ts', // 94
  'envs/browser/test/miniwob.test.ts', // 86
  'envs/spreadsheet/test/task-sets-cli.test.ts', // 67
  'tools/cli/test/data-rescore.test.ts', // 65
  'tools/cli/test/rollout-resume.test.ts', // 64
  'envs/browser/test/expert-recovery.test.ts', // 59
  'tools/cli/test/python-package.test.ts', // 55
  'envs/browser/test/templates.test.ts', // 50
  'envs/browser/test/session-isolation.test.ts', // ~40 alone (issue 20)
  'envs/runtime/test/env-pool.test.ts', // 38
  'tools/cli/test/tasks-docker.test.ts', // 38
  'tools/cli/test/distributed.test.ts', // 37
  'tools/cli/test/data-pipeline.test.ts', // 35
  'envs/code/test/templates.test.ts', // 34
  'tools/cli/test/env-packages.test.ts', // 30
  'agents/test/rollout-faults.test.ts', // 30
  'envs/spreadsheet/test/docker.test.ts', // 29
  'tools/scripts/test/cli-bundle.test.ts', // 29
  'tools/cli/test/gateway.test.ts', // 27
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = SLOW_FIRST.indexOf(relative(this.ctx.config.root, spec.moduleId));
      return index < 0 ? SLOW_FIRST.length : index;
    };
    // Array.prototype.sort is stable: files off the list keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

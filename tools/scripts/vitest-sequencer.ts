import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two workers share the run; a long file started last makes the run wait for it alone. Vitest
// orders files by their last durations, but a fresh clone (CI) has none and falls back to file
// size, which says little about run time here: a short file can spawn a hundred CLI runs. So the
// files measured slowest start first, longest first; the rest keep vitest's order after them.

/**
 * The slowest files of a full run, longest first (relative to the repository root), in seconds of
 * the fresh-clone run of 2bbeb23 at load 20-30 (issue 21; docs/benchmarks.md, "Test suite time"),
 * the container tests as re-measured once they stopped replaying the in-process cases. Longest
 * first is the classic greedy schedule for two workers: what starts last is short.
 */
export const SLOW_FIRST: readonly string[] = [
  'tools/cli/test/help-examples.test.ts', // 1267
  'envs/browser/test/conformance.test.ts', // 770
  'envs/code/test/experts.test.ts', // 393
  'envs/browser/test/people-families.test.ts', // 230
  'envs/browser/test/policy-families.test.ts', // 182
  'tools/cli/test/tasks-option.test.ts', // 324
  'envs/browser/test/docker.test.ts', // 495 before, ~240 now
  'trainers/test/learner.test.ts', // 264
  'tools/cli/test/held-out-cli.test.ts', // 229
  'tools/cli/test/family-new.test.ts', // 213
  'envs/workday/test/conformance.test.ts', // 187
  'envs/mcp/test/mcp-env.test.ts', // 123
  'envs/code/test/task-sets.test.ts', // 102
  'tools/cli/test/parallel-cli.test.ts', // 95
  'tools/cli/test/cli.test.ts', // 87
  'agents/test/rollout.test.ts', // 87
  'envs/spreadsheet/test/docker.test.ts', // 89 before, less now
  'envs/code/test/it-support-verifiers.test.ts', // 81
  'tools/cli/test/load-trace.test.ts', // 78
  'tools/cli/test/test-leakage.test.ts', // 74
  'envs/code/test/sandbox.test.ts', // 67
  'envs/runtime/test/cleanup.test.ts', // 65
  'envs/code/test/local.test.ts', // 64
  'envs/workday/test/docker.test.ts', // 249 before, ~60 now
  'tools/cli/test/python-package.test.ts', // 59
  'envs/code/test/hostile.test.ts', // 59
  'envs/browser/test/templates.test.ts', // 56
  'tools/cli/test/eval-compare.test.ts', // 55
  'envs/browser/test/expert-recovery.test.ts', // 49
  'tools/cli/test/rollout-faults.test.ts', // 48
  'tools/cli/test/data-sft.test.ts', // 48
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

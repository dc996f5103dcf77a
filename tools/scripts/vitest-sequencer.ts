import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two workers share the run; a long file started last makes the run wait for it alone. Vitest
// orders files by their last durations, but a fresh clone (CI) has none and falls back to file
// size, which says little about run time here: a short file can spawn a hundred CLI runs. So the
// files measured slowest start first, longest first; the rest keep vitest's order after them.

/** The slowest files of a full run, longest first (relative to the repository root). */
export const SLOW_FIRST: readonly string[] = [
  'tools/cli/test/help-examples.test.ts',
  'envs/browser/test/docker.test.ts',
  'envs/browser/test/conformance.test.ts',
  'tools/cli/test/tasks-option.test.ts',
  'tools/cli/test/family-new.test.ts',
  'envs/code/test/experts.test.ts',
  'envs/code/test/sandbox.test.ts',
  'envs/browser/test/miniwob.test.ts',
  'envs/code/test/task-sets.test.ts',
  'tools/cli/test/eval-compare.test.ts',
  'agents/test/rollout-faults.test.ts',
  'envs/runtime/test/env-pool.test.ts',
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

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestSpecification, Vitest } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import SlowFirstSequencer, { SLOW_FIRST } from '../vitest-sequencer.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A spec of the integration project, as vitest hands it to the sequencer (only what sort reads). */
const spec = (path: string) =>
  ({ moduleId: join(root, path), project: { name: 'integration', config: { sequence: { groupOrder: 0 }, isolate: true } } }) as unknown as TestSpecification;

// A fresh clone: no durations and no file stats cached.
const freshCtx = {
  config: { root },
  cache: { getFileTestResults: () => undefined, getFileStats: () => undefined },
} as unknown as Vitest;

describe('SlowFirstSequencer', () => {
  it('names only integration test files that exist, each once', () => {
    for (const path of SLOW_FIRST) {
      expect(existsSync(join(root, path)), path).toBe(true);
      expect(path).toMatch(/(?<!\.unit)\.test\.ts$/);
    }
    expect(new Set(SLOW_FIRST).size).toBe(SLOW_FIRST.length);
  });

  it('starts the listed files first, in the listed order, and keeps the order of the rest', async () => {
    const others = ['agents/test/a.test.ts', 'envs/code/test/b.test.ts', 'trainers/test/c.test.ts'];
    const given = [others[0]!, SLOW_FIRST[2]!, others[1]!, SLOW_FIRST[0]!, others[2]!, SLOW_FIRST[1]!];
    const sorted = await new SlowFirstSequencer(freshCtx).sort(given.map(spec));
    expect(sorted.map((s) => s.moduleId)).toEqual([...SLOW_FIRST.slice(0, 3), ...others].map((p) => join(root, p)));
  });
});

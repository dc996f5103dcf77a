import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EpisodeRecord } from '@workgym/trajectories';

export { InProcessRuntime, inProcessSpec as spec } from '@workgym/runtime';

export async function tempDir(prefix = 'workgym-trainers-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A minimal episode record for statistics tests. */
export function record(overrides: Partial<EpisodeRecord>): EpisodeRecord {
  return {
    runId: 'r',
    episodeId: 'e',
    groupId: 'g',
    env: 'counter',
    family: 'counter/reach-target',
    job: 'tester',
    seed: 0,
    split: 'test',
    steps: [],
    finalReward: 0,
    success: false,
    status: 'failure',
    attempts: 1,
    ...overrides,
  };
}

// Runs once around the whole test run: builds the test env's image before any file needs it,
// and afterwards removes containers whose test process is gone, so a crashed test file cannot
// leave a container behind for the next run.
import { buildEnvImage, dockerAvailable, reapContainers } from '../../envs/runtime/src/index.js';
import { counterSource } from '../../envs/runtime/test/helpers.js';

let engineAnswered = false;

export async function setup(): Promise<void> {
  engineAnswered = await dockerAvailable();
  if (!engineAnswered) {
    throw new Error('no Docker engine answers; run `bash tools/scripts/setup.sh` (npm test does) to install and start one');
  }
  await reapContainers();
  await buildEnvImage(counterSource, { log: (line) => process.stderr.write(`[images] ${line}\n`) });
}

export async function teardown(): Promise<void> {
  // Without an engine the refusal above is the one line to show, not a failed reap after it.
  if (engineAnswered) await reapContainers();
}

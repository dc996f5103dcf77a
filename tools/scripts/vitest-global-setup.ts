// Runs once around the whole test run: builds the test env's image before any file needs it,
// bundles the CLI's sources for the CLI tests (tools/scripts/cli-bundle.ts), and afterwards
// removes containers whose test process is gone, so a crashed test file cannot leave a container
// behind for the next run.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildEnvImage, dockerAvailable, reapContainers } from '../../envs/runtime/src/index.js';
import { counterSource } from '../../envs/runtime/test/helpers.js';
import { bundleCli } from './cli-bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bundled CLI's entry (tools/cli/test/run-cli.ts runs it); '' when the sources did not bundle. */
    cliBundle: string;
  }
}

// Inside the repository, so that what the bundle leaves to Node resolves as from the sources.
const BUNDLES = fileURLToPath(new URL('../../node_modules/.cache/workgym-test-cli/', import.meta.url));

let engineAnswered = false;
let bundleDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  engineAnswered = await dockerAvailable();
  if (!engineAnswered) {
    throw new Error('no Docker engine answers; run `bash tools/scripts/setup.sh` (npm test does) to install and start one');
  }
  await reapContainers();
  await buildEnvImage(counterSource, { log: (line) => process.stderr.write(`[images] ${line}\n`) });
  project.provide('cliBundle', await cliBundle());
}

export async function teardown(): Promise<void> {
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
  // Without an engine the refusal above is the one line to show, not a failed reap after it.
  if (engineAnswered) await reapContainers();
}

/**
 * A fresh bundle for this run (runs beside it have their own). Sources that do not bundle (a
 * half-written file) leave the CLI tests on tsx, which fails only the tests that load that file.
 */
async function cliBundle(): Promise<string> {
  await mkdir(BUNDLES, { recursive: true });
  bundleDir = await mkdtemp(join(BUNDLES, 'run-'));
  try {
    return await bundleCli(bundleDir);
  } catch (error) {
    process.stderr.write(`[cli-bundle] the CLI's sources did not bundle, so the CLI tests run it through tsx: ${String(error).split('\n')[0]}\n`);
    return '';
  }
}

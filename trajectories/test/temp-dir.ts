import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createRun } from '../src/index.js';
import type { CreateRunOptions, EpisodeRecord } from '../src/index.js';

/** A fresh folder, removed when the test ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-traj-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A run in a temp folder holding `records`, closed (or finalised) afterwards. */
export async function writeRun(records: EpisodeRecord[], options: CreateRunOptions & { finalize?: boolean } = {}): Promise<string> {
  const dir = join(tempDir(), 'run');
  const writer = await createRun(dir, options);
  for (const record of records) await writer.append(record);
  if (options.finalize) await writer.finalize();
  else await writer.close();
  return dir;
}

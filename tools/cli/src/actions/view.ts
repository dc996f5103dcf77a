import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError, SourceError, startViewer, writeBundle } from '@workgym/viewer';
import type { Viewer } from '@workgym/viewer';
import { printError } from '../cli-error.js';
import { UsageError } from '../usage-error.js';

export interface ViewFlags {
  port: number;
  host: string;
  bundle?: string;
  episodes?: string;
}

/** Exit status when a source cannot be opened (a missing or unreadable path): 2, as a usage mistake in the arguments. */
const BAD_SOURCE_EXIT = 2;

export async function view(sources: string[], flags: ViewFlags): Promise<void> {
  if (sources.length === 0) throw new UsageError('name what to view: a run folder, a training folder, an eval JSON file or a transfer folder');
  if (flags.episodes !== undefined && flags.bundle === undefined) throw new UsageError('--episodes chooses what a bundle holds: give --bundle OUT too');
  try {
    if (flags.bundle !== undefined) {
      const report = await writeBundle({ sources, out: flags.bundle, ...(flags.episodes !== undefined ? { episodes: flags.episodes } : {}) });
      console.log(`wrote ${flags.bundle}: ${count(report.episodes, 'episode')}, ${count(report.blobs, 'image')}; open ${report.index} in a browser`);
      return;
    }
    await serveUntilStopped(sources, flags);
  } catch (error) {
    if (error instanceof BundleError) throw new UsageError(error.message);
    if (!(error instanceof SourceError)) throw error;
    printError({ code: 'WORKGYM_SOURCE', message: error.message }, false);
    process.exitCode = BAD_SOURCE_EXIT;
  }
}

async function serveUntilStopped(sources: string[], flags: ViewFlags): Promise<void> {
  const viewer = await startViewer({ sources, host: flags.host, port: flags.port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES') {
      throw new UsageError(
        `cannot listen on ${flags.host}:${flags.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.code}; pick another --port or --host`,
      );
    }
    throw error;
  });
  console.log(`serving ${sources.join(', ')} at ${viewer.url} (Ctrl-C stops)`);
  await stopSignal();
  await viewer.close();
}

function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
}

/** How often `rollout --view` looks for the run it waits on. */
const CREATED_POLL_MS = 250;

/**
 * `rollout --view`: serves the run at `dir` as soon as the rollout has created it and prints
 * its URL. A viewer that cannot start says so in one line; the rollout goes on.
 */
export function viewWhenCreated(dir: string): { untilStopped(): Promise<void>; close(): Promise<void> } {
  let closed = false;
  const started = (async (): Promise<Viewer | undefined> => {
    while (!existsSync(join(dir, 'manifest.json'))) {
      if (closed) return undefined;
      await new Promise((resolve) => setTimeout(resolve, CREATED_POLL_MS));
    }
    return startViewer({ sources: [dir] }).then(
      (viewer) => {
        console.log(`[rollout] viewer: serving ${dir} at ${viewer.url}`);
        return viewer;
      },
      (error: Error) => void console.error(`[rollout] the viewer did not start: ${error.message}`),
    );
  })();
  return {
    untilStopped: async () => {
      const viewer = await started;
      if (!viewer) return;
      console.log(`[rollout] the viewer still serves ${dir} at ${viewer.url} (Ctrl-C stops)`);
      await stopSignal();
    },
    close: async () => {
      closed = true;
      await (await started)?.close();
    },
  };
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

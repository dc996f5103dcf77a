import { BundleError, SourceError, startViewer, writeBundle } from '@workgym/viewer';
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
      console.log(`wrote ${flags.bundle}: ${report.episodes} episodes, ${report.blobs} images; open ${report.index} in a browser`);
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
  console.log(`viewing ${sources.join(', ')} at ${viewer.url} (Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
  await viewer.close();
}

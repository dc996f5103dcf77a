import { envManifest } from '@workgym/protocol/kit/manifest';

const MiB = 1024 * 1024;

/** The browser env as the rest of workgym sees it. Why each setting: docs/envs/browser.md. */
export const manifest = envManifest(import.meta.url, {
  name: 'browser',
  // The env's own module is imported on first use: importing the manifest loads none of it.
  create: async (options) => new (await import('./env.js')).BrowserEnv({ tasks: options?.tasks }),
  // Four episodes share one Chromium: ~72 MiB per live episode instead of ~190 MiB alone, and the
  // most episodes per CPU-second of the layouts measured (docs/envs/browser.md#sessions-per-container).
  sessionsPerContainer: 4,
  docker: {
    // Per session: an episode keeps about one core busy when its agent answers at once.
    nanoCpus: 1_000_000_000,
    // Chromium (browser process with GPU and network threads, one renderer per episode) next to
    // Node: ~160 MiB warm and ~33 MiB per live episode, so 8 sessions (the server's maximum)
    // measured ~430 MiB; more than twice that leaves room for heavier pages.
    memoryBytes: 1024 * MiB,
    // Every Chromium thread counts against the pids limit: ~40 for the browser, ~20 per renderer.
    pidsLimit: 1024,
    // Chromium's profile, HOME and, with --disable-dev-shm-usage, its shared memory live in /tmp.
    tmpfs: { '/tmp': 'rw,nosuid,nodev,size=512m,mode=1777' },
    shmSizeBytes: 256 * MiB,
  },
});

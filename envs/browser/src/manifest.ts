import { envManifest } from '@workgym/protocol/kit/manifest';

const MiB = 1024 * 1024;

/** The browser env as the rest of workgym sees it. Why each docker override: docs/envs/browser.md. */
export const manifest = envManifest(import.meta.url, {
  name: 'browser',
  // The env's own module is imported on first use: importing the manifest loads none of it.
  create: async (options) => new (await import('./env.js')).BrowserEnv({ tasks: options?.tasks }),
  docker: {
    // Chromium (browser + GPU-less utility + one renderer per episode) next to Node.
    memoryBytes: 2048 * MiB,
    // Every Chromium thread counts against the pids limit: ~40 for the browser, ~20 per renderer.
    pidsLimit: 1024,
    // Chromium's profile, HOME and, with --disable-dev-shm-usage, its shared memory live in /tmp.
    tmpfs: { '/tmp': 'rw,nosuid,nodev,size=512m,mode=1777' },
    shmSizeBytes: 256 * MiB,
  },
});

import { manifest as browser } from '@workgym/env-browser/manifest';
import { envManifest } from '@workgym/protocol/kit/manifest';

const base = envManifest(import.meta.url, {
  name: 'workday',
  // The env's own module is imported on first use: importing the manifest loads none of it.
  create: async () => new (await import('./env.js')).WorkdayEnv(),
  // A workday episode is a browser episode with an in-memory workbook beside it: the browser's
  // packing and container settings (Chromium's memory, threads, profile in /tmp) hold for it.
  sessionsPerContainer: browser.sessionsPerContainer,
  docker: browser.docker,
});

/**
 * The workday env as the rest of workgym sees it. Its image is the browser's layer (Chromium and
 * a font; the workbook needs nothing installed), under the same hardening.
 */
export const manifest = { ...base, imageDir: browser.imageDir };

import { envManifest } from '@workgym/protocol/kit/manifest';

const MiB = 1024 * 1024;

/** The spreadsheet env as the rest of workgym sees it. Why each docker override: docs/envs/spreadsheet.md. */
export const manifest = envManifest(import.meta.url, {
  name: 'spreadsheet',
  // The env's own module is imported on first use: importing the manifest loads none of it.
  create: async (options) => new (await import('./env.js')).SpreadsheetEnv(undefined, options),
  // Workbooks live in the server's memory and steps are short: several episodes share a container
  // (its CPU limit grows with them), which spares a Node server and its memory per episode.
  sessionsPerContainer: 4,
  docker: {
    // LibreOffice (the reference engine, run inside this image) keeps a ~30 MB profile and its
    // conversions under /tmp; 64 MB is not enough for both. The server itself needs little.
    tmpfs: { '/tmp': 'rw,nosuid,nodev,size=256m,mode=1777' },
    // soffice headless peaks near 400 MB on the benchmark workbook, next to a Node server.
    memoryBytes: 1536 * MiB,
  },
});

import { envManifest } from '@workgym/protocol/kit/manifest';

/**
 * The env as workgym sees it (the `manifest` export of this package's main module). The server
 * is `server.ts` beside this file and the image folder is `../image`; `create` imports the env
 * only when it is opened, so loading the manifest (as every workgym command does) costs nothing.
 */
export const manifest = envManifest(import.meta.url, {
  name: '__ENV_NAME__',
  create: async () => new (await import('./env.js')).NotesEnv(),
  // The container keeps workgym's hardening (read-only root, no network, no capabilities, ...);
  // name here only what this env must loosen, e.g. docker: { memoryBytes: 1024 * 1024 * 1024 }.
});

// The manifest door of the kit (`@workgym/protocol/kit/manifest`): it loads nothing but node:path
// and node:url, so naming an env's manifest (as the CLI does for every env) costs nothing.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DockerOverrides, EnvManifest } from '../manifest.js';

/** What an env states in its manifest; where its server and image are follows from where the manifest is. */
export interface ManifestParts {
  /** The env's name, as `workgym` commands take it. */
  name: string;
  /** Opens the env in this process; import the env's module here, so that naming the manifest loads none of it. */
  create: EnvManifest['create'];
  /** The container settings that differ from the runtime's defaults (memory per container, CPU per session, tmpfs, shared memory, ...). */
  docker?: DockerOverrides;
  /** Sessions a rollout runs at once in one container (default 1; at most the server's max_sessions); see EnvManifest. */
  sessionsPerContainer?: number;
  /** Programs bundled into the image beside the server (name -> entry module), run from `/opt/workgym/bundles/<name>.mjs`. */
  bundles?: EnvManifest['bundles'];
}

/**
 * An env package's manifest, from the URL of its manifest module (`import.meta.url`): the stdio
 * server is `server.ts` beside it (`server.js` once built) and the image folder is the package's
 * `image/` (src/ and dist/ both sit one level under the package).
 */
export function envManifest(moduleUrl: string, parts: ManifestParts): EnvManifest {
  return {
    ...parts,
    serverEntry: fileURLToPath(new URL(`./server${extname(fileURLToPath(moduleUrl))}`, moduleUrl)),
    imageDir: fileURLToPath(new URL('../image', moduleUrl)),
  };
}

import { envManifest } from '@workgym/protocol/kit/manifest';
import { filesystemServerEntry } from './filesystem-entry.js';

/** The mcp env as the rest of workgym sees it. Why each docker override: docs/envs/mcp.md. */
export const manifest = envManifest(import.meta.url, {
  name: 'mcp',
  // The env's own module is imported on first use: importing the manifest loads none of it.
  create: async (options) => (await import('./filesystem.js')).filesystemEnv(options),
  // The filesystem MCP server, bundled into the image so it runs there with no network.
  bundles: { filesystem: filesystemServerEntry() },
  docker: {
    // The MCP server's working files: the only place its tools reach, wiped at every reset.
    tmpfs: { '/workspace': 'rw,noexec,nosuid,nodev,size=64m,mode=0700,uid=10001,gid=10001' },
  },
});

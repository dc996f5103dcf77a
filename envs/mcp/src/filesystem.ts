import type { EnvCreateOptions } from '@workgym/protocol';
import { McpEnv } from './env.js';
import { filesystemServerEntry } from './filesystem-entry.js';
import { FAMILIES } from './tasks/index.js';

/** Where the env's image holds the bundled filesystem server (the manifest's `bundles`). */
const IMAGE_SERVER = '/opt/workgym/bundles/filesystem.mjs';

/** The image sets this; elsewhere the env runs in this process (development, tests). */
const inContainer = () => process.env.WORKGYM_MCP_CONTAINER === '1';

/**
 * The shipped mcp env: the official filesystem MCP server
 * (@modelcontextprotocol/server-filesystem), allowed the workspace folder only, run by the
 * Node that runs the env server.
 */
export function filesystemEnv(options: EnvCreateOptions = {}): Promise<McpEnv> {
  const container = inContainer();
  return McpEnv.create(
    {
      name: 'mcp',
      job: 'assistant',
      server: (root) => ({ command: process.execPath, args: [container ? IMAGE_SERVER : filesystemServerEntry(), root], cwd: root }),
      families: FAMILIES,
      inContainer: container,
    },
    options,
  );
}

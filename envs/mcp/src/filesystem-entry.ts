import { fileURLToPath } from 'node:url';

/**
 * The entry module of the filesystem MCP server this package depends on: what the image builder
 * bundles, and what the env runs outside the image (the image has no node_modules to resolve from).
 */
export function filesystemServerEntry(): string {
  return fileURLToPath(import.meta.resolve('@modelcontextprotocol/server-filesystem/dist/index.js'));
}

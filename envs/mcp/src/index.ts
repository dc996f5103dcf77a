export { McpEnv, type McpEnvDefinition } from './env.js';
export { filesystemEnv } from './filesystem.js';
export { filesystemServerEntry } from './filesystem-entry.js';
export { manifest } from './manifest.js';
export { McpServer, McpServerError, type McpServerCommand, type McpToolResult } from './mcp-server.js';
export type { ExpertView, FamilyDef, McpInstance, McpTask, McpVerifier } from './task.js';
export { MCP_TASK_SCHEMA } from './task-sets/task-file.js';

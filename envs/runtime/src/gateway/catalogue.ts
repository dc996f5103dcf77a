import { PROTOCOL_VERSION, type HelloReply, type ListTasksReply } from '@workgym/protocol';
import type { EnvPool } from '../pool/env-pool.js';

/** What a gateway tells clients of the envs it serves: each env's Hello and task list, read once. */
export interface GatewayEnv {
  name: string;
  pool: EnvPool;
  hello: HelloReply;
  tasks: ListTasksReply;
}

/** Reads an env's Hello and task list from one instance of its pool (a lease held for the two calls). */
export async function describePool(name: string, pool: EnvPool): Promise<GatewayEnv> {
  const lease = await pool.acquire();
  try {
    return { name, pool, hello: await lease.client.hello(), tasks: await lease.client.listTasks() };
  } finally {
    await lease.release();
  }
}

/**
 * The gateway's own Hello: one env's name and version, or each env's joined by commas; the
 * capabilities every env has; max_sessions is what one client may hold at once.
 */
export function gatewayHello(envs: readonly GatewayEnv[], maxSessionsPerClient: number): HelloReply {
  return {
    name: envs.map((e) => e.hello.name).join(','),
    version: envs.map((e) => e.hello.version).join(','),
    protocolVersion: PROTOCOL_VERSION,
    capabilities: envs[0]!.hello.capabilities.filter((c) => envs.every((e) => e.hello.capabilities.includes(c))),
    maxSessions: maxSessionsPerClient,
  };
}

/** Every env's families, and every tool any of them offers (each name once). */
export function gatewayTasks(envs: readonly GatewayEnv[]): ListTasksReply {
  const tools = new Map<string, ListTasksReply['tools'][number]>();
  for (const tool of envs.flatMap((e) => e.tasks.tools)) if (!tools.has(tool.name)) tools.set(tool.name, tool);
  return { families: envs.flatMap((e) => e.tasks.families), tools: [...tools.values()] };
}

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { LOCAL_WARNING } from '../commands/serve.js';
import { describeFamilies, printPlan } from '../dry-run.js';
import { envNames, findEnvs } from '../env-registry.js';
import { UsageError } from '../usage-error.js';
import { assignTaskSets, describeTaskSets } from '../task-sets.js';
import { envSpec, makeRuntime, matchFamilies } from '../actions/select-envs.js';
import { EnvHost, recordingTo } from './env-host.js';
import { serveHttp, urlHost } from './mcp-http.js';
import { mcpSession, type SessionDefaults } from './mcp-session.js';

export interface McpFlags {
  family?: string;
  seed: number;
  split: string;
  tasks?: string[];
  runtime: 'docker' | 'local';
  out?: string;
  maxSteps: number;
  envTimeoutS: number;
  port?: number;
  host: string;
  dryRun?: boolean;
}

/** An agent's turn and an episode may take as long as the person or model behind the client needs. */
const CLIENT_TIME_MS = 24 * 3600_000;

export async function serveMcp(name: string, flags: McpFlags): Promise<void> {
  const [manifest] = findEnvs([name]);
  const tasks = assignTaskSets(flags.tasks, [name], envNames());
  const [matched] = await matchFamilies([name], flags.family, undefined, tasks);
  if (flags.host !== '127.0.0.1' && flags.port === undefined)
    throw new UsageError('--host says where --port listens: add --port, or drop --host to serve over stdio');
  const defaults: SessionDefaults = { seed: flags.seed, split: flags.split };
  if (flags.dryRun) {
    printPlan(`an MCP server for ${name} over ${flags.port === undefined ? 'stdio' : `streamable HTTP at http://${urlHost(flags.host)}:${flags.port}/mcp`}`, {
      envs: describeFamilies([matched!]),
      tasks: describeTaskSets(tasks),
      'default task': `seed ${flags.seed}, split ${flags.split}`,
      limits: `${flags.maxSteps} steps per episode`,
      runtime: flags.runtime,
      record: flags.out && `${flags.out} (${await recordingTo(flags.out)})`,
    });
    return;
  }
  // stdout carries MCP frames only: a stray console.log must not corrupt them.
  console.log = console.error;
  console.info = console.error;
  if (flags.runtime === 'local') process.stderr.write(`workgym mcp: warning: ${LOCAL_WARNING}\n`);
  const runtime = await makeRuntime(flags.runtime);
  const host = await EnvHost.open({
    env: name,
    families: matched!.families,
    runtime,
    spec: await envSpec(manifest!, flags.runtime, tasks[name]),
    limits: {
      maxSteps: flags.maxSteps,
      stepDeadlineMs: CLIENT_TIME_MS,
      episodeDeadlineMs: CLIENT_TIME_MS,
      envDeadlineMs: flags.envTimeoutS * 1000,
      stuckAfter: 0,
    },
    out: flags.out,
    caller: { command: 'mcp', env: name, ...flags },
  });
  const stopped = new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  if (flags.port === undefined) {
    const server = mcpSession(host, defaults);
    const transport = new StdioServerTransport();
    const inputEnded = new Promise<void>((resolve) => process.stdin.once('end', resolve).once('close', resolve));
    await server.connect(transport);
    process.stderr.write(`workgym mcp: serving ${name} over stdio\n`);
    await Promise.race([inputEnded, stopped]);
    await server.close();
    await host.close();
    return;
  }
  const http = await serveHttp(host, defaults, flags.port, flags.host);
  process.stderr.write(`workgym mcp: serving ${name} at ${http.url}\n`);
  if (!http.loopback)
    process.stderr.write(`workgym mcp: warning: ${flags.host} is not a loopback address, and MCP asks no credentials: whoever reaches it acts in the env\n`);
  await stopped;
  await http.close();
  await host.close();
}

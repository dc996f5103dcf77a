import { readFileSync } from 'node:fs';
import { EnvPool, type EnvRuntime } from '@workgym/runtime';
import { MIN_TOKEN_LENGTH, serveGateway } from '@workgym/runtime/gateway';
import { LOCAL_WARNING } from '../commands/serve.js';
import { TOKEN_VARIABLE } from '../commands/gateway.js';
import { describeFamilies, mustExist, printPlan } from '../dry-run.js';
import { envNames } from '../env-registry.js';
import { assignTaskSets, describeTaskSets, type TaskSets } from '../task-sets.js';
import { UsageError } from '../usage-error.js';
import { envSpec, makeRuntime, matchFamilies, type MatchedEnv } from './select-envs.js';

export interface GatewayFlags {
  env?: string[];
  runtime: 'docker' | 'local';
  pool: number;
  tasks?: string[];
  port: number;
  host: string;
  idleTimeoutS: number;
  maxSessionsPerClient: number;
  tokenFile?: string;
  dryRun?: boolean;
}

const log = (line: string) => void process.stderr.write(`workgym gateway: ${line}\n`);

export async function gateway(flags: GatewayFlags): Promise<void> {
  const tasks = assignTaskSets(flags.tasks, flags.env, envNames());
  const matched = await matchFamilies(flags.env, undefined, undefined, tasks);
  if (flags.dryRun) {
    if (flags.tokenFile) mustExist(flags.tokenFile, '--token-file');
    printPlan(`an env gateway at ws://${flags.host}:${flags.port}/`, {
      envs: describeFamilies(matched),
      tasks: describeTaskSets(tasks),
      pools: `${flags.pool} ${flags.runtime} env server(s) per env`,
      token: tokenSource(flags.tokenFile),
      limits: `${flags.maxSessionsPerClient} sessions per client; a session idle ${flags.idleTimeoutS} s is closed`,
    });
    return;
  }
  const token = readToken(flags.tokenFile);
  if (flags.runtime === 'local') log(`warning: ${LOCAL_WARNING}`);
  const pools = await startPools(matched, await makeRuntime(flags.runtime), flags.runtime, flags.pool, tasks);
  const stopped = new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  try {
    const server = await serveGateway({
      pools,
      token,
      host: flags.host,
      port: flags.port,
      idleTimeoutMs: flags.idleTimeoutS * 1000,
      maxSessionsPerClient: flags.maxSessionsPerClient,
      log,
    });
    const families = server.envs.reduce((n, e) => n + e.tasks.families.length, 0);
    console.log(
      `workgym gateway: serving ${[...pools.keys()].join(', ')} (${families} families; ${flags.pool} ${flags.runtime} env server(s) per env) at ${server.url}`,
    );
    if (!isLoopback(flags.host))
      log(`warning: ${flags.host} is not a loopback address: the token is all that guards the envs, and ws:// sends it in clear (see docs/gateway.md for TLS)`);
    await stopped;
    log('stopping: closing every session and env server');
    await server.close();
  } finally {
    await Promise.allSettled([...pools.values()].map((pool) => pool.close()));
  }
}

/** One warm pool per env; if one cannot start, those started are closed again. */
async function startPools(
  matched: readonly MatchedEnv[],
  runtime: EnvRuntime,
  kind: 'docker' | 'local',
  size: number,
  tasks: TaskSets,
): Promise<Map<string, EnvPool>> {
  const pools = new Map<string, EnvPool>();
  try {
    for (const { name, manifest } of matched) {
      pools.set(name, await EnvPool.create({ runtime, spec: await envSpec(manifest, kind, tasks[name]), size, log }));
    }
    return pools;
  } catch (error) {
    await Promise.allSettled([...pools.values()].map((pool) => pool.close()));
    throw error;
  }
}

function readToken(file: string | undefined): string {
  let token: string | undefined;
  if (file) {
    try {
      token = readFileSync(file, 'utf8').split('\n')[0]!.trim();
    } catch (error) {
      throw new UsageError(`--token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } else token = process.env[TOKEN_VARIABLE]?.trim();
  // Env servers inherit this process's environment (--runtime local): an agent's bash would read it there.
  delete process.env[TOKEN_VARIABLE];
  if (!token) {
    throw new UsageError(
      `no gateway token: set ${TOKEN_VARIABLE} (or --token-file) to a secret of at least ${MIN_TOKEN_LENGTH} characters`,
      `e.g. export ${TOKEN_VARIABLE}=$(openssl rand -hex 32); clients send it as a bearer token`,
    );
  }
  if (token.length < MIN_TOKEN_LENGTH)
    throw new UsageError(`the gateway token from ${file ?? TOKEN_VARIABLE} is ${token.length} characters; it must be at least ${MIN_TOKEN_LENGTH}`);
  return token;
}

function tokenSource(file: string | undefined): string {
  if (file) return `from ${file}`;
  return process.env[TOKEN_VARIABLE] ? `from ${TOKEN_VARIABLE}` : `${TOKEN_VARIABLE} is not set: the gateway would refuse to start`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

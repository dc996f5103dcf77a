import { PassThrough } from 'node:stream';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvClient, serveEnv, type Environment } from '@workgym/protocol';
import type { EnvInstance, EnvRuntime, EnvServerSpec, ExitInfo } from '@workgym/runtime';
import type { EpisodeRecord } from '@workgym/trajectories';

/**
 * Runs env servers inside the test process over in-memory streams: the protocol, the pool and
 * the rollout runner are all real, without a child process per instance (2 shared cores).
 */
export class InProcessRuntime implements EnvRuntime {
  readonly kind = 'local' as const;
  private next = 0;

  constructor(private readonly factories: Record<string, () => Environment>) {}

  async start(spec: EnvServerSpec): Promise<EnvInstance> {
    const make = this.factories[spec.name];
    if (!make) throw new Error(`no in-process env ${spec.name}`);
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    const env = make();
    serveEnv(env, toServer, fromServer);
    const client = new EnvClient({ input: fromServer, output: toServer }, { name: `${spec.name} (in-process)` });
    let alive = true;
    let exit!: (info: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((resolve) => (exit = resolve));
    const close = async () => {
      if (!alive) return;
      alive = false;
      await client.close().catch(() => undefined);
      toServer.end();
      await env.close?.();
      exit({ exitCode: 0, signal: null });
    };
    return {
      id: `in-process-${spec.name}-${this.next++}`,
      runtime: 'local',
      client,
      exited,
      get alive() {
        return alive;
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  }
}

export const spec = (name: string): EnvServerSpec => ({ name, serverBundle: '(in-process)' });

export async function tempDir(prefix = 'workgym-trainers-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A minimal episode record for statistics tests. */
export function record(overrides: Partial<EpisodeRecord>): EpisodeRecord {
  return {
    runId: 'r',
    episodeId: 'e',
    groupId: 'g',
    env: 'counter',
    family: 'counter/reach-target',
    job: 'tester',
    seed: 0,
    split: 'test',
    steps: [],
    finalReward: 0,
    success: false,
    status: 'failure',
    attempts: 1,
    ...overrides,
  };
}

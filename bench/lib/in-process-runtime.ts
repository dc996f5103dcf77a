import { PassThrough } from 'node:stream';
import { EnvClient, serveEnv, type Environment } from '@workgym/protocol';
import type { EnvInstance, EnvRuntime, ExitInfo } from '@workgym/runtime';

/**
 * Env servers inside the benchmark's own process, over in-memory streams: the protocol, pools and
 * rollout runner are real, without a child process per instance (2 shared cores).
 */
export function inProcessRuntime(factories: Record<string, () => Environment>): EnvRuntime {
  return {
    kind: 'local',
    async start(spec) {
      const make = factories[spec.name];
      if (!make) throw new Error(`no in-process env ${spec.name}`);
      const a = new PassThrough();
      const b = new PassThrough();
      const env = make();
      serveEnv(env, a, b);
      const client = new EnvClient({ input: b, output: a });
      let exit!: (i: ExitInfo) => void;
      const exited = new Promise<ExitInfo>((r) => (exit = r));
      let alive = true;
      const close = async () => {
        if (!alive) return;
        alive = false;
        await client.close().catch(() => undefined);
        await env.close?.();
        exit({ exitCode: 0, signal: null });
      };
      return {
        id: `${spec.name}-${Math.random()}`,
        runtime: 'local',
        client,
        exited,
        get alive() {
          return alive;
        },
        close,
        [Symbol.asyncDispose]: close,
      } satisfies EnvInstance;
    },
  };
}

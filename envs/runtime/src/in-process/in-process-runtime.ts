import { PassThrough } from 'node:stream';
import { EnvClient, serveEnv, type Environment } from '@workgym/protocol';
import type { EnvInstance, EnvRuntime, EnvServerSpec, ExitInfo } from '../runtime.js';

/**
 * Env servers inside the caller's own process, over in-memory streams: the protocol, pools and the
 * rollout runner are real, without a child process per instance. For tests and benchmarks on a
 * small machine; it isolates nothing (the env runs with the caller's rights), so the CLI never
 * offers it.
 */
export class InProcessRuntime implements EnvRuntime {
  readonly kind = 'local' as const;
  private next = 0;

  /** `factories` make a fresh env for each instance, by the spec's name. */
  constructor(private readonly factories: Record<string, () => Environment>) {}

  async start(spec: EnvServerSpec): Promise<EnvInstance> {
    const make = this.factories[spec.name];
    if (!make) throw new Error(`no in-process env ${spec.name} (known: ${Object.keys(this.factories).join(', ')})`);
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
      await env.close();
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

/** A spec for an env the in-process runtime makes by name (there is no server bundle). */
export const inProcessSpec = (name: string): EnvServerSpec => ({ name, serverBundle: '(in-process)' });

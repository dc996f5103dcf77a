import { EnvPool, type EnvRuntime } from '@workgym/runtime';
import type { EvalEnv } from '../eval/run-eval.js';

/** One warm pool per env, started together; `close` stops them all. */
export interface WarmPools extends AsyncDisposable {
  readonly byEnv: ReadonlyMap<string, EnvPool>;
  close(): Promise<void>;
}

/**
 * Starts a pool of `size` instances for each env, all at once. A pool that cannot start closes
 * the others before the error goes up, so nothing is left running.
 */
export async function startWarmPools(
  runtime: EnvRuntime,
  envs: readonly EvalEnv[],
  size: number,
  envDeadlineMs?: number,
  log?: (line: string) => void,
): Promise<WarmPools> {
  const started = await Promise.allSettled(envs.map((env) => EnvPool.create({ runtime, spec: env.spec, size, callDeadlineMs: envDeadlineMs, log })));
  const pools = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const close = async () => void (await Promise.allSettled(pools.map((p) => p.close())));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { byEnv: new Map(envs.map((env, i) => [env.name, pools[i]!])), close, [Symbol.asyncDispose]: close };
}

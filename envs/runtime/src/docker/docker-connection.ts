import { createRequire } from 'node:module';
import type Docker from 'dockerode';

let shared: Docker | undefined;

/** The Docker engine named by DOCKER_HOST, or the local socket. */
export function connectDocker(): Docker {
  // dockerode loads gRPC and SSH clients (~300 modules): loaded on the first connection, so a
  // command that never reaches the engine (a dry run, the data commands) does not pay for it.
  shared ??= new (createRequire(import.meta.url)('dockerode') as typeof Docker)();
  return shared;
}

/** True when a Docker engine answers within `timeoutMs`. */
export async function dockerAvailable(docker = connectDocker(), timeoutMs = 3_000): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  return Promise.race([
    docker.ping().then(
      () => true,
      () => false,
    ),
    timeout,
  ]);
}

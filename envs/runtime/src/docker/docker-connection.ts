import Docker from 'dockerode';

let shared: Docker | undefined;

/** The Docker engine named by DOCKER_HOST, or the local socket. */
export function connectDocker(): Docker {
  shared ??= new Docker();
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

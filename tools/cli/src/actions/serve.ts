import { finished } from 'node:stream/promises';
import { serveStdio } from '@workgym/protocol';
import { DockerRuntime, dockerAvailable, type EnvServerSpec } from '@workgym/runtime';
import { LOCAL_WARNING } from '../commands/serve.js';
import { findEnvs } from '../env-registry.js';
import { specFor } from '../env-specs.js';
import { UsageError } from '../usage-error.js';

export async function serve(name: string, options: { runtime: 'docker' | 'local' }): Promise<void> {
  const [manifest] = findEnvs([name]);
  if (options.runtime === 'local') {
    process.stderr.write(`workgym serve: warning: ${LOCAL_WARNING}\n`);
    await serveStdio(await manifest!.create());
    return;
  }
  if (!(await dockerAvailable())) {
    throw new UsageError(
      'no Docker engine answers, and `workgym serve` runs the env in its container: start Docker ' +
        '(tools/scripts/setup.sh installs and starts it), or see --help about --runtime local',
    );
  }
  process.exitCode = await relayToContainer(await specFor(manifest!, 'docker'));
}

/**
 * Starts the env's container and relays this process's stdin to the server's stdin and the
 * server's stdout and stderr to ours, byte for byte: the same frames, checked by the server.
 * Resolves with the server's exit code once its output is all written.
 */
async function relayToContainer(spec: EnvServerSpec): Promise<number> {
  const server = await new DockerRuntime().launch(spec);
  // A write after the server is gone fails; how it went is what its exit says.
  server.stdin.on('error', () => undefined);
  // A client that stops reading our stdout is gone: ask the server to close its sessions.
  process.stdout.once('error', () => server.stdin.end());
  server.stderr.pipe(process.stderr, { end: false });
  server.stdout.pipe(process.stdout, { end: false });
  process.stdin.pipe(server.stdin);
  const exit = await server.exited;
  await finished(server.stdout).catch(() => undefined);
  process.stdin.unpipe(server.stdin);
  process.stdin.destroy();
  await server.remove();
  return exit.exitCode ?? 1;
}

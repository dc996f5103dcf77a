import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { serveStdio } from '@workgym/protocol';
import { DockerRuntime, dockerAvailable, type EnvServerSpec } from '@workgym/runtime';
import { findEnvs, specFor } from '../env-registry.js';
import { UsageError } from '../usage-error.js';

const LOCAL_WARNING =
  '--runtime local serves the env on this host, in this process, with no container: an agent\'s commands ' +
  '(bash, file tools, the browser) run as your user (root, if you are root) and can read and change ' +
  'this machine\'s files, this repository included. Use it only to debug an env you trust.';

export function registerServeCommand(program: Command): void {
  program
    .command('serve <env>')
    .description('run an env server on stdin/stdout (the workgym protocol; see envs/protocol/proto/workgym.proto)')
    .option('--runtime <kind>', 'docker (the env\'s hardened container) | local (this host, unsafe: see below)', 'docker')
    .addHelpText(
      'after',
      [
        '',
        'The server reads requests on stdin, answers on stdout, logs to stderr and exits when stdin ends.',
        'By default it runs in the env\'s hardened container (no network, no capabilities, read-only root,',
        'memory, CPU and process limits), and stdin and stdout are relayed to it byte for byte.',
        '',
        `Warning: ${LOCAL_WARNING}`,
        '',
        'Examples:',
        '  workgym serve code',
        '  workgym serve spreadsheet --runtime local',
      ].join('\n'),
    )
    .action(async (name: string, options: { runtime: string }) => {
      const [manifest] = findEnvs([name]);
      if (options.runtime === 'local') {
        process.stderr.write(`workgym serve: warning: ${LOCAL_WARNING}\n`);
        await serveStdio(await manifest!.create());
        return;
      }
      if (options.runtime !== 'docker') throw new UsageError(`--runtime must be docker or local, not ${options.runtime}`);
      if (!(await dockerAvailable())) {
        throw new UsageError(
          'no Docker engine answers, and `workgym serve` runs the env in its container: start Docker ' +
            '(tools/scripts/setup.sh installs and starts it), or see --help about --runtime local',
        );
      }
      process.exitCode = await relayToContainer(await specFor(manifest!, 'docker'));
    });
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

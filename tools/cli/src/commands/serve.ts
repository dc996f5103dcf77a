import type { Command } from 'commander';
import { serveStdio } from '@workgym/protocol';
import { findEnvs } from '../env-registry.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve <env>')
    .description('run an env server on stdin/stdout (the workgym protocol; see envs/protocol/proto/workgym.proto)')
    .addHelpText('after', '\nThe server logs to stderr and exits when stdin ends.\n\nExample:\n  workgym serve code')
    .action(async (name: string) => {
      const [manifest] = findEnvs([name]);
      await serveStdio(await manifest!.create());
    });
}

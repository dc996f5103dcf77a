import { Command, CommanderError } from 'commander';
import { WorkgymError } from '@workgym/protocol';
import { registerCheckCommand } from './commands/check.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEnvsCommand } from './commands/envs.js';
import { registerImagesCommand } from './commands/images.js';
import { registerRolloutCommand } from './commands/rollout.js';
import { registerServeCommand } from './commands/serve.js';

const program = new Command('workgym')
  .description('A gym and data factory for tool-using AI agents.')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

registerEnvsCommand(program);
registerImagesCommand(program);
registerServeCommand(program);
registerCheckCommand(program);
registerRolloutCommand(program);
registerDemoCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const known = error instanceof WorkgymError;
  console.error(`workgym: ${known ? error.message : ((error as Error).stack ?? String(error))}`);
  process.exit(1);
}

import { Command, CommanderError } from 'commander';
import { WorkgymError } from '@workgym/protocol';
import { registerCheckCommand } from './commands/check.js';
import { registerDataCommands } from './commands/data.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerEnvsCommand } from './commands/envs.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerImagesCommand } from './commands/images.js';
import { registerRolloutCommand } from './commands/rollout.js';
import { registerServeCommand } from './commands/serve.js';
import { registerServePolicyCommand } from './commands/serve-policy.js';
import { registerTrainCommand } from './commands/train.js';
import { registerTransferCommand } from './commands/transfer.js';

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
registerDataCommands(program);
registerTrainCommand(program);
registerServePolicyCommand(program);
registerEvalCommand(program);
registerTransferCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // Every workgym package's errors carry a stable WORKGYM_ code and a message meant for people.
  const code = (error as { code?: unknown }).code;
  const known = error instanceof WorkgymError || (typeof code === 'string' && code.startsWith('WORKGYM_'));
  console.error(`workgym: ${known ? (error as Error).message : ((error as Error).stack ?? String(error))}`);
  process.exit(1);
}

import { Command, CommanderError } from 'commander';
import { commandFor, describeCommanderError, describeError, printError, wantsJson } from './cli-error.js';
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

const args = process.argv.slice(2);
// Known before parsing, so that commander's own complaints come as JSON too.
let json = false;
const program = new Command('workgym')
  .description('A gym and data factory for tool-using AI agents.')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({
    writeErr: (text) => void (json || process.stderr.write(text)),
    outputError: (text, write) => write(text.replace(/^error: /, 'workgym: ')),
  })
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

json = wantsJson(program, args);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Every failure of every command ends here: one line and a hint (or JSON with --json), exit 1.
  if (error instanceof CommanderError) {
    if (json && error.exitCode !== 0) printError(describeCommanderError(error), true);
    process.exit(error.exitCode);
  }
  if (process.env.WORKGYM_DEBUG) console.error(error);
  printError(describeError(error, commandFor(program, args)), json);
  process.exit(1);
}

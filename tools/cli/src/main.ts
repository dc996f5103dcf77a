import { Command, CommanderError } from 'commander';
import { commandFor, describeCommanderError, describeError, printError, wantsJson } from './cli-error.js';
import { addCommands } from './commands/index.js';
import { loadOutsideEnvs, takeEnvModules } from './outside-envs.js';

const argv = process.argv.slice(2);
// Known before parsing, so that commander's own complaints come as JSON too.
let json = false;
const program = new Command('workgym')
  .description('A gym and data factory for tool-using AI agents.')
  .version('0.1.0')
  // Options go to the command they follow: `eval compare --json` is compare's flag, not eval's `--json FILE`.
  .enablePositionalOptions()
  .exitOverride()
  .configureOutput({
    writeErr: (text) => void (json || process.stderr.write(text)),
    outputError: (text, write) => write(text.replace(/^error: /, 'workgym: ')),
  })
  .showHelpAfterError('(run with --help for usage)')
  // Taken out of the command line before parsing (every command takes it); declared for --help.
  .option('--env-module <path>', 'also load the env package at PATH (a folder or its main module); repeatable; see docs/env-packages.md')
  .configureHelp({ showGlobalOptions: true });

let args = argv;
try {
  let modules: string[];
  ({ args, modules } = takeEnvModules(argv));
  await loadOutsideEnvs(modules, process.cwd(), (line) => console.error(line));
  // Only the command named is defined in full; what it runs is imported when it runs.
  await addCommands(program, args);
  json = wantsJson(program, args);
  await program.parseAsync(args, { from: 'user' });
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

import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { addOptions } from '../options.js';

export const LOCAL_WARNING =
  "--runtime local serves the env on this host, in this process, with no container: an agent's commands " +
  '(bash, file tools, the browser) run as your user (root, if you are root) and can read and change ' +
  "this machine's files, this repository included. Use it only to debug an env you trust.";

export function defineServe(command: Command): void {
  addOptions(command, { runtime: { help: "docker (the env's hardened container) | local (this host, unsafe: see below)", default: 'docker' } })
    .addHelpText(
      'after',
      [
        '',
        'The server reads requests on stdin, answers on stdout, logs to stderr and exits when stdin ends.',
        "By default it runs in the env's hardened container (no network, no capabilities, read-only root,",
        'memory, CPU and process limits), and stdin and stdout are relayed to it byte for byte.',
        '',
        `Warning: ${LOCAL_WARNING}`,
        '',
        'Examples:',
        '  workgym serve code',
        '  workgym serve spreadsheet --runtime local',
      ].join('\n'),
    )
    .action(lazy(async () => (await import('../actions/serve.js')).serve));
}

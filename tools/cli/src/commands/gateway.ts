import type { Command } from 'commander';
import { addDryRunOption } from '../dry-run.js';
import { lazy } from '../lazy.js';
import { addOptions, COUNT, numberOption, WHOLE } from '../options.js';
import { tasksOption } from '../task-sets.js';
import { LOCAL_WARNING } from './serve.js';

/** The variable the gateway's bearer token is read from (never a flag: flags show in `ps`). */
export const TOKEN_VARIABLE = 'WORKGYM_GATEWAY_TOKEN';
export const DEFAULT_GATEWAY_PORT = 8790;

export function defineGateway(command: Command): void {
  addOptions(command, {
    env: { help: 'comma-separated envs to serve (default: all)' },
    runtime: { help: "docker (each env's hardened container) | local (this host, unsafe: see `workgym serve --help`)", default: 'docker' },
  })
    .addOption(numberOption('--pool <n>', 'warm env servers per env (each serves as many sessions at once as its env allows)', COUNT, 1))
    .addOption(tasksOption())
    .addOption(numberOption('--port <port>', 'the port to listen on (0: any free port)', { ...WHOLE, max: 65535 }, DEFAULT_GATEWAY_PORT))
    .option('--host <host>', 'the address to listen on; anything but loopback lets whoever reaches it try the token (see docs/gateway.md for TLS)', '127.0.0.1')
    .addOption(numberOption('--idle-timeout-s <s>', 'a session with no call for this long is closed and its env server slot given back', { above: 0 }, 300))
    .addOption(numberOption('--max-sessions-per-client <n>', 'sessions one client (one connection) may hold at once', COUNT, 8))
    .option('--token-file <path>', `read the bearer token from this file instead of ${TOKEN_VARIABLE}`);
  addDryRunOption(command, 'serve')
    .addHelpText(
      'after',
      `
Serves env sessions from warm local pools over WebSocket, for a trainer on another machine: each
binary message is one workgym.proto Request or Response (the stdio protocol without the length
prefix). A reset's family (<env>/<family>) leases a session of that env's pool; step, expert and
close go to it under a session id the gateway issues, which only the client that opened it can
use. Clients connect with \`Authorization: Bearer <token>\`; the token is read from
${TOKEN_VARIABLE} (or --token-file), at least 16 characters, and a connection without it is
refused (401). A client that disconnects has its sessions closed. Prints its address on stdout,
logs on stderr; SIGINT or SIGTERM closes every session and env server.

Clients: connectGateway(url, { token }) from @workgym/runtime/gateway (an EnvClient), or Python's
workgym.connect(url, token=...). See docs/gateway.md.

Warning for --runtime local: ${LOCAL_WARNING}

Examples:
  workgym gateway --env code --pool 4
  workgym gateway --env spreadsheet,browser --host 0.0.0.0 --port 8790 --idle-timeout-s 120
  workgym gateway --env browser --tasks browser=miniwob-plusplus/miniwob --max-sessions-per-client 32`,
    )
    .action(lazy(async () => (await import('../actions/gateway.js')).gateway));
}

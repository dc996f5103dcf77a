import type { Command } from 'commander';
import { addDryRunOption } from '../dry-run.js';
import { lazy } from '../lazy.js';
import { addOptions, numberOption, WHOLE } from '../options.js';
import { tasksOption } from '../task-sets.js';
import { LOCAL_WARNING } from './serve.js';

export function defineMcp(command: Command): void {
  addOptions(command, {
    family: { help: 'only the task families whose id matches, e.g. "code/*-fix-bug" (one family: the default task)' },
    seed: { help: 'the seed a task starts with when the client names none', default: 0 },
    split: { help: 'the split a task starts on when the client names none: train | test', default: 'train' },
  })
    .addOption(tasksOption())
    .option('--out <run>', 'record every episode played to this run (a new one, or more episodes for an MCP run already there)');
  addOptions(command, {
    runtime: { help: "docker (the env's hardened container) | local (this host, unsafe: see `workgym serve --help`)", default: 'docker' },
    maxSteps: { help: 'step limit per episode (the verifier then runs, truncated)', default: 50 },
    envTimeoutS: { default: 120 },
  })
    .addOption(numberOption('--port <port>', 'serve streamable HTTP at http://HOST:PORT/mcp instead of stdio (0: any free port)', { ...WHOLE, max: 65535 }))
    .option('--host <host>', 'the address --port listens on; anything but loopback lets whoever reaches it act in the env', '127.0.0.1');
  addDryRunOption(command, 'serve')
    .addHelpText(
      'after',
      `
An MCP server (the official SDK; stdio, or streamable HTTP with --port) through which any MCP
client (a desktop assistant, an agent framework) acts in the env. Its tools: workgym_start_task
(family, seed, split; returns the instruction and the first observation), the env's own tools
with their JSON Schemas (each call is one step; its result is what the env returned, an env
error as an error result), submit (the env's, which ends the episode and runs the verifier) and
workgym_verdict (success, reward and what the verifier found). Starting another task abandons
the one under way. stdout carries only MCP messages; logs go to stderr.

The env runs in its hardened container, as for serve and rollout. With --out, every episode is
recorded as a rollout records it (agent kind "mcp", the client's name as its model), so data
stats, export and eval read the run. docs/mcp.md shows how to point a desktop assistant at it.

Warning for --runtime local: ${LOCAL_WARNING}

Examples:
  workgym mcp spreadsheet
  workgym mcp code --family "code/*-fix-bug" --split test --out runs/mcp
  workgym mcp browser --port 8765
  workgym mcp spreadsheet --family spreadsheet/clean-names --seed 3 --dry-run   # the plan; starts nothing`,
    )
    .action(lazy(async () => (await import('../mcp/serve-mcp.js')).serveMcp));
}

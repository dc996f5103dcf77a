import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function defineEnvInit(command: Command): void {
  command
    .option('--dir <dir>', 'the folder to write (default: ./NAME); it must not exist or be empty')
    .addHelpText(
      'after',
      `
Writes a working env package: package.json, src/manifest.ts (the manifest export), tools, one
task family with generator, expert and verifier, the server, image/Dockerfile, a README and a
conformance test. Its workgym dependencies link to this installation, so npm install needs no
registry. Load it in any command with --env-module DIR, or list it in workgym.config.json.

Examples:
  workgym env init notes-demo
  workgym env init ticket-triage --dir packages/ticket-triage`,
    )
    .action(lazy(async () => (await import('../actions/env-init.js')).envInit));
}

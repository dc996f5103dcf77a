#!/usr/bin/env node
// The CLI runs from its build (made by `npm ci` through the root `prepare` script), rebuilt first
// in a repository checkout whose sources changed since.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rebuildIfStale } from './stale-build.js';

rebuildIfStale(fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, ''));
const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('workgym is not built yet: run `npm ci` (or `npm run build`) at the repository root.');
  process.exit(1);
}
await import(main.href);

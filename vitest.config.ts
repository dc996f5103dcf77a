import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './tools/scripts/vitest-sequencer.js';

// Two tiers, told apart by the file name. `*.unit.test.ts` is the unit tier: pure TypeScript in
// the test's own process (no Docker, Chromium, LibreOffice or Python, no env server or sandbox
// started as a process). Its env points Docker and Chromium at paths that do not exist, so a file
// that needs them fails there instead of passing on a machine that happens to run them. Every
// other `*.test.ts` is the integration tier, which starts what it needs: a new file lands there
// until it is named `.unit.test.ts`. tools/scripts/test/test-tiers.unit.test.ts checks that every
// test file is in exactly one tier.

const UNIT_TESTS = '**/*.unit.test.ts';
const ALL_TESTS = '**/*.test.ts';
const NEVER_TESTS = ['**/node_modules/**', '**/dist/**'];
const UNIT_ENV = { DOCKER_HOST: 'unix:///nonexistent/docker.sock', WORKGYM_CHROMIUM: '/nonexistent/chromium' };

const root = fileURLToPath(new URL('.', import.meta.url));
// Run from a package folder, vitest finds this file above it: look for tests under that folder only.
const inside = !relative(root, process.cwd()).startsWith('..');

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the "source" export condition), so
  // tests never run against a stale dist/. Vitest's own environment loads the global setup.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    root,
    dir: inside ? process.cwd() : root,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Docker-backed suites share one engine; a few files at a time keep 2 cores responsive.
    maxWorkers: 2,
    // The slowest files start first, so that neither worker is left running one alone at the end.
    sequence: { sequencer: SlowFirstSequencer },
    // eventsource-parser publishes its TypeScript under the "source" condition too, which Node
    // cannot load: it and the MCP SDK module that imports it are transformed like our own files.
    server: { deps: { inline: [/@modelcontextprotocol\/sdk\/dist\/esm\/client\/streamableHttp/, 'eventsource-parser'] } },
    projects: [
      { extends: true, test: { name: 'unit', include: [UNIT_TESTS], exclude: NEVER_TESTS, env: UNIT_ENV } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [ALL_TESTS],
          exclude: [...NEVER_TESTS, UNIT_TESTS],
          globalSetup: [fileURLToPath(new URL('tools/scripts/vitest-global-setup.ts', import.meta.url))],
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the "source" export condition), so
  // tests never run against a stale dist/. Vitest's own environment loads the global setup.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  environments: { __vitest__: { resolve: { conditions: ['source'] } } },
  test: {
    include: ['{envs,agents,trajectories,trainers,tools}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Docker-backed suites share one engine; a few files at a time keep 2 cores responsive.
    maxWorkers: 2,
    globalSetup: ['tools/scripts/vitest-global-setup.ts'],
  },
});

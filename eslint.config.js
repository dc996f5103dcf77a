import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// The layers (each package's `nx.tags` in its package.json) and what each may import, from the
// bottom up: protocol <- runtime <- agents -> trajectories <- trainers; envs use protocol only;
// trainers also drive agents and runtime; the CLI sits on top and nothing imports it. A package's
// tests may also use what they need to run it (an env's tests start it with runtime; trainers'
// tests roll out real envs). An upward import is refused as a cycle (the imported package already
// depends on the importer), a sideways one by the tags, a relative path into another package as such;
// tools/scripts/test/module-boundaries.unit.test.ts shows each.
const sourceLayers = {
  'layer:protocol': [],
  'layer:runtime': ['layer:protocol'],
  'layer:env': ['layer:protocol'],
  // A composite env (envs/workday) puts single-app envs' sessions together through their doors.
  'layer:composite-env': ['layer:protocol', 'layer:env'],
  'layer:trajectories': ['layer:protocol'],
  'layer:agents': ['layer:protocol', 'layer:runtime', 'layer:trajectories'],
  'layer:trainers': ['layer:protocol', 'layer:runtime', 'layer:trajectories', 'layer:agents'],
  // The viewer (tools/viewer) reads runs and what trainers wrote, as files: only the store.
  'layer:viewer': ['layer:trajectories'],
  'layer:cli': ['layer:protocol', 'layer:runtime', 'layer:env', 'layer:composite-env', 'layer:trajectories', 'layer:agents', 'layer:trainers', 'layer:viewer'],
};
const testLayers = {
  ...sourceLayers,
  'layer:env': ['layer:protocol', 'layer:runtime'],
  'layer:composite-env': ['layer:protocol', 'layer:env', 'layer:runtime'],
  'layer:trainers': [...sourceLayers['layer:trainers'], 'layer:env'],
};

const boundaries = (layers, allow = []) => [
  'error',
  {
    allow,
    depConstraints: Object.entries(layers).map(([sourceTag, tags]) => ({ sourceTag, onlyDependOnLibsWithTags: tags })),
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/gen/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...nx.configs['flat/base'],
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-throw-literal': 'error',
      '@nx/enforce-module-boundaries': boundaries(sourceLayers),
    },
  },
  {
    files: ['**/test/**', '**/*.test.ts'],
    rules: {
      // Tests may borrow the runtime's counter-env helpers, the kit's worked notes env, the store's full-disk helpers and the agents' redis-server by path.
      '@nx/enforce-module-boundaries': boundaries(testLayers, ['(envs/runtime|envs/protocol|trajectories|agents)/test/(fixtures/)?[\\w.-]+\\.js$']),
    },
  },
  // Layout is Prettier's (npm run format; npm test checks it): no lint rule argues with it.
  prettier,
);

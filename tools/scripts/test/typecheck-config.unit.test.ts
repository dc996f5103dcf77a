import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// `npm test` type-checks the repository as one program (tools/scripts/static-checks.sh), not
// package by package: that program must hold every file some package's tsconfig.json holds, and
// check it with the same options, or a package's type errors would pass unseen.

const root = fileURLToPath(new URL('../../..', import.meta.url));

function parsed(configPath: string): ts.ParsedCommandLine {
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(String(d.messageText));
      },
    },
  );
  if (!config) throw new Error(`${configPath} did not parse`);
  return config;
}

/** Every folder with its own tsconfig.json that `npm test` used to check on its own: the workspace packages, bench and tools/scripts. */
function checkedFolders(): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  const packages = workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => `${pattern.slice(0, -2)}/${e.name}`)
      : [pattern],
  );
  return [...packages, 'bench', 'tools/scripts'].filter((dir) => existsSync(join(root, dir, 'tsconfig.json')));
}

/** The options that decide what a check finds: all but where the config file is. */
function checkingOptions(config: ts.ParsedCommandLine): ts.CompilerOptions {
  const { configFilePath: _configFilePath, ...options } = config.options;
  return options;
}

describe('tsconfig.typecheck.json', () => {
  const whole = parsed(join(root, 'tsconfig.typecheck.json'));
  const folders = checkedFolders();

  it('holds every file each package, bench and tools/scripts type-check', () => {
    expect(folders.length).toBeGreaterThanOrEqual(12);
    const held = new Set(whole.fileNames);
    for (const dir of folders) {
      const missing = parsed(join(root, dir, 'tsconfig.json')).fileNames.filter((file) => !held.has(file));
      expect(missing, dir).toEqual([]);
    }
  });

  it('checks them with the options their own tsconfig.json sets', () => {
    for (const dir of folders) expect(checkingOptions(parsed(join(root, dir, 'tsconfig.json'))), dir).toEqual(checkingOptions(whole));
  });
});

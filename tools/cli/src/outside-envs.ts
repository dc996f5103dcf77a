import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

// What main.ts needs before commander parses anything, and nothing heavier: the --env-module
// options and the project config file. The packages themselves are loaded by env-modules.ts,
// imported only when there is one to load, so `workgym --help` loads no env.

export const CONFIG_FILE = 'workgym.config.json';
const OPTION = '--env-module';

/** The command line without its `--env-module PATH` options (anywhere, any number), and their paths. */
export function takeEnvModules(args: readonly string[]): { args: string[]; modules: string[] } {
  const rest: string[] = [];
  const modules: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg.startsWith(`${OPTION}=`)) modules.push(arg.slice(OPTION.length + 1));
    else if (arg === OPTION) {
      const value = args[++i];
      if (value === undefined || value === '') throw new UsageError(`${OPTION} needs a path: the folder of an env package (or its main module)`);
      modules.push(value);
    } else rest.push(arg);
  }
  return { args: rest, modules };
}

/** The project config file in `dir` or the nearest folder above it, if any. */
export function findConfigFile(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const file = join(at, CONFIG_FILE);
    if (existsSync(file)) return file;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * Loads the env packages of the config file and the --env-module options into the registry;
 * nothing to load, nothing imported. A package that cannot be loaded is one warning line, and
 * the other envs work on; a command naming an env it does not find is told the same line.
 */
export async function loadOutsideEnvs(modules: readonly string[], cwd: string, warn: (line: string) => void): Promise<void> {
  const config = findConfigFile(cwd);
  if (!config && modules.length === 0) return;
  const [{ loadEnvModules }, { registerOutsideEnvs }] = await Promise.all([import('./env-modules.js'), import('./env-registry.js')]);
  const { envs, failures } = await loadEnvModules({ config, modules, cwd });
  for (const failure of failures) warn(`workgym: not loaded: ${failure.message}`);
  registerOutsideEnvs(envs, failures);
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EnvManifest } from '@workgym/protocol';
import type { EnvLoadFailure, RegisteredEnv } from './env-registry.js';
import { UsageError } from './usage-error.js';

/** One env package to load: as written, where a relative path or a package name is looked up from, and who named it. */
interface EnvModuleRequest {
  spec: string;
  base: string;
  source: string;
}

/** Why an env package could not be used; said in one line after the package's name. */
class NotAnEnv extends Error {}

/**
 * Loads the env packages the config file lists (paths relative to it) and the --env-module
 * options name (relative to `cwd`). A package that cannot be loaded is a failure, one line
 * naming it and what is wrong, and the others load on.
 */
export async function loadEnvModules(options: {
  config?: string;
  modules: readonly string[];
  cwd: string;
}): Promise<{ envs: RegisteredEnv[]; failures: EnvLoadFailure[] }> {
  const requests = [
    ...(options.config ? readConfig(options.config).map((spec) => ({ spec, base: dirname(options.config!), source: options.config! })) : []),
    ...options.modules.map((spec) => ({ spec, base: options.cwd, source: `--env-module ${spec}` })),
  ];
  const envs: RegisteredEnv[] = [];
  const failures: EnvLoadFailure[] = [];
  for (const request of requests) {
    try {
      const manifest = await loadManifest(request);
      // The same package named twice (config and option) is one env.
      if (!envs.some((env) => env.manifest === manifest)) envs.push({ manifest, source: request.source });
    } catch (error) {
      failures.push({ message: `env package ${JSON.stringify(request.spec)} (from ${request.source}) ${describe(error)}` });
    }
  }
  return { envs, failures };
}

/** The config file's env list: `{"envs": ["<package name or path>", ...]}`; anything else is refused. */
export function readConfig(file: string): string[] {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${firstLine(error)}`, 'write it as {"envs": ["<npm package name or folder path>", ...]}');
  }
  const envs = (config as { envs?: unknown } | null)?.envs;
  const keys = config && typeof config === 'object' && !Array.isArray(config) ? Object.keys(config) : undefined;
  if (!keys || keys.some((k) => k !== 'envs') || !Array.isArray(envs) || !envs.every((e) => typeof e === 'string' && e !== '')) {
    throw new UsageError(`${file} must be {"envs": [...]}, a list of npm package names or folder paths (relative to the file)`);
  }
  return envs as string[];
}

async function loadManifest(request: EnvModuleRequest): Promise<EnvManifest> {
  const entry = moduleEntry(request);
  if (/\.[mc]?ts$/.test(entry)) await loadTypeScript();
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(entry).href);
  } catch (error) {
    throw new NotAnEnv(`failed to import ${entry}: ${firstLine(error)}`);
  }
  if (!('manifest' in module))
    throw new NotAnEnv(`has no export "manifest" in ${entry} (export the envManifest(import.meta.url, {...}) of @workgym/protocol/kit/manifest)`);
  checkManifest(module.manifest);
  return module.manifest;
}

/** The module to import: a file named directly, or the main module of a package folder (a path, or a name under node_modules). */
function moduleEntry({ spec, base }: EnvModuleRequest): string {
  const isPath = spec.startsWith('.') || isAbsolute(spec);
  const target = isPath ? resolve(base, spec) : installedPackage(spec, base);
  if (!existsSync(target)) throw new NotAnEnv(`is not there: no file or folder ${target}`);
  if (!statSync(target).isDirectory()) return target;
  const packageFile = join(target, 'package.json');
  if (!existsSync(packageFile)) throw new NotAnEnv(`has no package.json in ${target}`);
  let main: string | undefined;
  try {
    main = mainModule(JSON.parse(readFileSync(packageFile, 'utf8')));
  } catch (error) {
    throw new NotAnEnv(`has an unreadable ${packageFile}: ${firstLine(error)}`);
  }
  const entry = resolve(target, main ?? 'index.js');
  if (!existsSync(entry)) throw new NotAnEnv(`has no main module: ${entry} is missing`);
  return entry;
}

/** The package's folder under the nearest node_modules above `base` that holds it. */
function installedPackage(name: string, base: string): string {
  for (let at = resolve(base); ; at = dirname(at)) {
    const dir = join(at, 'node_modules', name);
    if (existsSync(dir)) return dir;
    if (dirname(at) === at) throw new NotAnEnv(`is not installed (no node_modules/${name} in ${resolve(base)} or above; npm install it there)`);
  }
}

/** The "." of `exports` (a string, or its import/default condition), else `main`. */
function mainModule(pkg: { exports?: unknown; main?: unknown }): string | undefined {
  const dot = typeof pkg.exports === 'object' && pkg.exports !== null && '.' in pkg.exports ? (pkg.exports as Record<string, unknown>)['.'] : pkg.exports;
  if (typeof dot === 'string') return dot;
  if (typeof dot === 'object' && dot !== null) {
    const conditions = dot as Record<string, unknown>;
    const chosen = [conditions.import, conditions.default].find((c) => typeof c === 'string');
    if (chosen) return chosen as string;
  }
  return typeof pkg.main === 'string' ? pkg.main : undefined;
}

/** The fields the CLI and the runtimes use, checked before anything relies on them. */
function checkManifest(value: unknown): asserts value is EnvManifest {
  const m = value as Partial<Record<keyof EnvManifest, unknown>> | null;
  const wrong =
    typeof m !== 'object' || m === null
      ? 'is not an object'
      : typeof m.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(m.name)
        ? 'has no name in lowercase letters, digits and dashes'
        : typeof m.create !== 'function'
          ? 'has no create() function'
          : typeof m.serverEntry !== 'string' || !existsSync(m.serverEntry)
            ? `names a server entry that is not there (${String(m.serverEntry)})`
            : m.imageDir !== undefined && (typeof m.imageDir !== 'string' || !existsSync(m.imageDir))
              ? `names an image folder that is not there (${String(m.imageDir)})`
              : m.docker !== undefined && (typeof m.docker !== 'object' || m.docker === null)
                ? 'has docker settings that are not an object'
                : m.sessionsPerContainer !== undefined && !(Number.isInteger(m.sessionsPerContainer) && (m.sessionsPerContainer as number) >= 1)
                  ? `has a sessionsPerContainer that is not a whole number >= 1 (${String(m.sessionsPerContainer)})`
                  : undefined;
  if (wrong) throw new NotAnEnv(`exports a manifest that ${wrong}; make it with envManifest(import.meta.url, {...}) of @workgym/protocol/kit/manifest`);
}

let typeScript: Promise<unknown> | undefined;

/**
 * An env package may be TypeScript as written (its server is bundled from it either way): the
 * CLI run from its build registers tsx's loader once to import it. Run from source it has one.
 */
function loadTypeScript(): Promise<unknown> {
  if (process.execArgv.some((arg) => /(^|[/\\])tsx([/\\]|$)/.test(arg))) return Promise.resolve();
  typeScript ??= import('tsx/esm/api').then(({ register }) => register());
  return typeScript;
}

function describe(error: unknown): string {
  return error instanceof NotAnEnv ? error.message : `failed to load: ${firstLine(error)}`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}

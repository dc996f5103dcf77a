import { manifest as browser } from '@workgym/env-browser/manifest';
import { manifest as code } from '@workgym/env-code/manifest';
import { manifest as mcp } from '@workgym/env-mcp/manifest';
import { manifest as spreadsheet } from '@workgym/env-spreadsheet/manifest';
import { manifest as workday } from '@workgym/env-workday/manifest';
import type { EnvManifest } from '@workgym/protocol';
import { UsageError } from './usage-error.js';

/**
 * Every env workgym ships; a new env adds its manifest here. Manifests load their env only when
 * it is opened, so naming them here costs a command nothing.
 */
const ENV_MANIFESTS: readonly EnvManifest[] = [code, browser, spreadsheet, mcp, workday];

/** An env and where it came from: `shipped`, a config file's path, or `--env-module`. */
export interface RegisteredEnv {
  manifest: EnvManifest;
  source: string;
}

/** An env package that could not be loaded, in one line naming it and what is wrong. */
export interface EnvLoadFailure {
  message: string;
}

let outside: RegisteredEnv[] = [];
let failures: EnvLoadFailure[] = [];

/**
 * Adds the envs loaded from outside the repository (env-modules.ts) beside the shipped ones, and
 * remembers the packages that failed to load: a command naming an env none of them provides is
 * told why. A name taken twice is refused, since either choice would run an env nobody meant.
 */
export function registerOutsideEnvs(envs: readonly RegisteredEnv[], broken: readonly EnvLoadFailure[]): void {
  const all = [...registeredEnvs(), ...envs];
  for (const env of envs) {
    const first = all.find((other) => other.manifest.name === env.manifest.name)!;
    if (first !== env) {
      const taken = first.source === 'shipped' ? 'a shipped env' : `the env from ${first.source}`;
      throw new UsageError(`the env package from ${env.source} is named ${JSON.stringify(env.manifest.name)}, as is ${taken}; rename one of them`);
    }
  }
  outside = [...outside, ...envs];
  failures = [...failures, ...broken];
}

/** Every env with where it came from, shipped ones first. */
export function registeredEnvs(): RegisteredEnv[] {
  return [...ENV_MANIFESTS.map((manifest) => ({ manifest, source: 'shipped' })), ...outside];
}

export function findEnvs(names?: readonly string[]): EnvManifest[] {
  const manifests = registeredEnvs().map((env) => env.manifest);
  if (!names || names.length === 0) return manifests;
  return names.map((name) => {
    const manifest = manifests.find((m) => m.name === name);
    if (!manifest) {
      const known = manifests.map((m) => m.name).join(', ') || '(none yet)';
      const unloaded = failures.map((f) => `; not loaded: ${f.message}`).join('');
      throw new UsageError(`unknown env ${JSON.stringify(name)}; known envs: ${known}${unloaded}`);
    }
    return manifest;
  });
}

/** The names of the registered envs. */
export function envNames(): string[] {
  return registeredEnvs().map((env) => env.manifest.name);
}

import { manifest as browser } from '@workgym/env-browser/manifest';
import { manifest as code } from '@workgym/env-code/manifest';
import { manifest as spreadsheet } from '@workgym/env-spreadsheet/manifest';
import type { EnvManifest } from '@workgym/protocol';
import { UsageError } from './usage-error.js';

/**
 * Every env workgym ships; a new env adds its manifest here. Manifests load their env only when
 * it is opened, so naming them here costs a command nothing.
 */
const ENV_MANIFESTS: readonly EnvManifest[] = [code, browser, spreadsheet];

export function findEnvs(names?: readonly string[]): EnvManifest[] {
  if (!names || names.length === 0) return [...ENV_MANIFESTS];
  return names.map((name) => {
    const manifest = ENV_MANIFESTS.find((m) => m.name === name);
    if (!manifest) {
      const known = ENV_MANIFESTS.map((m) => m.name).join(', ') || '(none yet)';
      throw new UsageError(`unknown env ${JSON.stringify(name)}; known envs: ${known}`);
    }
    return manifest;
  });
}

/** The names of the registered envs. */
export function envNames(): string[] {
  return ENV_MANIFESTS.map((m) => m.name);
}

import { fileURLToPath } from 'node:url';
import { manifest as code } from '@workgym/env-code';
import { manifest as browser } from '@workgym/env-browser';
import { manifest as spreadsheet } from '@workgym/env-spreadsheet';
import type { EnvManifest } from '@workgym/protocol';
import { manifestImageSource, manifestServerSpec, type EnvImageSource, type EnvServerSpec, type RuntimeKind } from '@workgym/runtime';
import { UsageError } from './usage-error.js';

/** Every env workgym ships; a new env adds its manifest here. */
export const ENV_MANIFESTS: readonly EnvManifest[] = [code, browser, spreadsheet];

// Bundled servers live in the npm cache folder of the repository: rebuilt when sources change.
const bundleDir = fileURLToPath(new URL('../../../node_modules/.cache/workgym/', import.meta.url));

export function findEnvs(names?: string[]): EnvManifest[] {
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

export function imageSource(manifest: EnvManifest): EnvImageSource {
  return manifestImageSource(manifest, bundleDir);
}

/** The spec a runtime needs: the docker runtime gets the env's image (built if missing). */
export function specFor(manifest: EnvManifest, runtime: RuntimeKind): Promise<EnvServerSpec> {
  return manifestServerSpec(manifest, { runtime, bundleDir });
}

import { fileURLToPath } from 'node:url';
import type { EnvManifest } from '@workgym/protocol';
import { manifestImageSource, manifestServerSpec, type EnvImageSource, type EnvServerSpec, type RuntimeKind } from '@workgym/runtime';

// Bundled servers live in the npm cache folder of the repository: rebuilt when sources change.
const bundleDir = fileURLToPath(new URL('../../../node_modules/.cache/workgym/', import.meta.url));

export function imageSource(manifest: EnvManifest): EnvImageSource {
  return manifestImageSource(manifest, bundleDir);
}

/** The spec a runtime needs: the docker runtime gets the env's image (built if missing). */
export function specFor(manifest: EnvManifest, runtime: RuntimeKind): Promise<EnvServerSpec> {
  return manifestServerSpec(manifest, { runtime, bundleDir });
}

import { join } from 'node:path';
import type { EnvManifest } from '@workgym/protocol';
import type { EnvServerSpec, RuntimeKind } from '../runtime.js';
import { bundleServer } from './bundle.js';
import { buildEnvImage, type EnvImageSource, type ImageBuildOptions } from './env-image.js';

/** What goes into an env's image, from its manifest; bundles go to `bundleDir/<env>/server.mjs`. */
export function manifestImageSource(manifest: EnvManifest, bundleDir: string): EnvImageSource {
  return {
    name: manifest.name,
    serverEntry: manifest.serverEntry,
    bundleOut: join(bundleDir, manifest.name, 'server.mjs'),
    imageDir: manifest.imageDir,
    bundles: manifest.bundles,
  };
}

export interface ManifestSpecOptions extends ImageBuildOptions {
  runtime: RuntimeKind;
  bundleDir: string;
}

/**
 * What a runtime needs to start an env: the bundled server for the local runtime, and for the
 * docker runtime the env's image too (built unless one with the same content hash exists).
 */
export async function manifestServerSpec(manifest: EnvManifest, options: ManifestSpecOptions): Promise<EnvServerSpec> {
  const source = manifestImageSource(manifest, options.bundleDir);
  const sessions = manifest.sessionsPerContainer === undefined ? {} : { sessionsPerContainer: manifest.sessionsPerContainer };
  if (options.runtime === 'local') return { name: manifest.name, serverBundle: await bundleServer(source.serverEntry, source.bundleOut), ...sessions };
  const image = await buildEnvImage(source, options);
  return { name: manifest.name, serverBundle: image.bundle, image: image.tag, docker: manifest.docker, ...sessions };
}

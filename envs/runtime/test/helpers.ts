import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterServerEntry } from '@workgym/protocol/testing';
import { buildEnvImage, type EnvImageSource, type EnvServerSpec } from '../src/index.js';

export const counterSource: EnvImageSource = {
  name: 'counter',
  serverEntry: counterServerEntry,
  bundleOut: join(tmpdir(), 'workgym-test', 'counter-server.mjs'),
};

let spec: Promise<EnvServerSpec> | undefined;

/** The counter test env as a runtime spec; its image is built once (content-hashed). */
export function counterSpec(): Promise<EnvServerSpec> {
  spec ??= buildEnvImage(counterSource).then((built) => ({ name: 'counter', serverBundle: built.bundle, image: built.tag }));
  return spec;
}

export { toolCall as call } from '@workgym/protocol';

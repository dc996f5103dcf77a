import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterServerEntry } from '@workgym/protocol/testing';
import { promisify } from 'node:util';
import { buildEnvImage, type EnvImageSource, type EnvInstance, type EnvRuntime, type EnvServerSpec, type StartOptions } from '../src/index.js';

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

/**
 * A runtime that `docker kill`s the instances of the starts `doomed` picks (counted from 1) as
 * soon as they run, before anyone said hello: a container that dies while it starts.
 */
export function killingStarts(runtime: EnvRuntime, doomed: (start: number) => boolean): EnvRuntime & { readonly starts: number } {
  let starts = 0;
  return {
    kind: runtime.kind,
    get starts() {
      return starts;
    },
    async start(spec: EnvServerSpec, options?: StartOptions): Promise<EnvInstance> {
      const instance = await runtime.start(spec, options);
      if (doomed(++starts)) {
        await promisify(execFile)('docker', ['kill', instance.id]);
        await instance.exited;
      }
      return instance;
    },
  };
}

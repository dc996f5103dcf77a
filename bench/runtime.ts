// Step protocol and container runtime against what a user would otherwise do with Docker.
// Run: node --conditions=source --import tsx bench/runtime.ts
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { counterServerEntry } from '@workgym/protocol/testing';
import { buildEnvImage, DockerRuntime, EnvPool, LocalRuntime, type EnvServerSpec } from '@workgym/runtime';
import { mean, ms, percentile, printTable, timeEach } from './lib/stats.js';

const run = promisify(execFile);
const built = await buildEnvImage({ name: 'counter', serverEntry: counterServerEntry, bundleOut: join(tmpdir(), 'workgym-bench', 'counter-server.mjs') });
const spec: EnvServerSpec = { name: 'counter', serverBundle: built.bundle, image: built.tag };
const docker = new DockerRuntime({ runId: `bench-runtime-${process.pid}` });
const add = [{ id: 'c', name: 'add', argumentsJson: '{"amount":0}' }];

async function stepRoundTrips(instance: Awaited<ReturnType<DockerRuntime['start']>>, n: number): Promise<number[]> {
  const { session } = await instance.client.reset({ family: 'counter/reach-target', seed: 1 });
  await timeEach(200, () => instance.client.step(session, add)); // warm-up
  return timeEach(n, () => instance.client.step(session, add));
}

// 1. A step round trip through the attached stdio of a running container vs `docker exec`.
const container = await docker.start(spec);
const local = await new LocalRuntime().start(spec);
const dockerSteps = await stepRoundTrips(container, 3000);
const localSteps = await stepRoundTrips(local, 3000);
const execs = await timeEach(20, () => run('docker', ['exec', container.id, 'true']));
printTable('Step round trip (counter env, one `add` call)', [
  ['path', 'p50', 'p95', 'mean', 'vs docker exec (mean)'],
  [
    'workgym docker runtime (attach stdio)',
    ms(percentile(dockerSteps, 50)),
    ms(percentile(dockerSteps, 95)),
    ms(mean(dockerSteps)),
    `${(mean(execs) / mean(dockerSteps)).toFixed(0)}x faster`,
  ],
  [
    'workgym local runtime (child process)',
    ms(percentile(localSteps, 50)),
    ms(percentile(localSteps, 95)),
    ms(mean(localSteps)),
    `${(mean(execs) / mean(localSteps)).toFixed(0)}x faster`,
  ],
  ['baseline: docker exec CONTAINER true', ms(percentile(execs, 50)), ms(percentile(execs, 95)), ms(mean(execs)), '1x'],
]);
await container.close();
await local.close();

// 2. Cold start: container created, started, attached and answering Hello vs `docker run --rm`.
const starts = await timeEach(8, async () => {
  const instance = await docker.start(spec);
  await instance.client.hello();
  await instance.close();
});
const coldRuns = await timeEach(8, () => run('docker', ['run', '--rm', '--network', 'none', '--entrypoint', '/bin/true', built.tag]));
printTable('Cold start', [
  ['path', 'p50', 'mean', 'vs docker run --rm (mean)'],
  [
    'workgym: start container + first Hello answered (+ remove)',
    ms(percentile(starts, 50)),
    ms(mean(starts)),
    `${(mean(coldRuns) / mean(starts)).toFixed(2)}x`,
  ],
  ['baseline: docker run --rm IMAGE true', ms(percentile(coldRuns, 50)), ms(mean(coldRuns)), '1x'],
]);

// 3. Leasing a warm instance from the pool.
const pool = await EnvPool.create({ runtime: docker, spec, size: 2 });
const leases = await timeEach(5000, async () => (await pool.acquire()).release());
await pool.close();
printTable('EnvPool lease of a warm instance (acquire + release)', [
  ['p50', 'p95', 'p99'],
  [ms(percentile(leases, 50)), ms(percentile(leases, 95)), ms(percentile(leases, 99))],
]);

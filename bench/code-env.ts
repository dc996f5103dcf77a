/**
 * The code env through the docker runtime, against docker's own costs measured in the same run.
 *
 *   node --conditions=source --import tsx bench/code-env.ts [--quick]
 *
 * - step: a `bash("true")` step round trip vs `docker exec CONTAINER true`;
 * - reset: resetting a warm instance (kill + wipe + new workspace) vs `docker run --rm IMAGE true`;
 * - throughput: expert episodes per minute over every family with an EnvPool at parallelism 1, 2, 4.
 */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { manifest } from '@workgym/env-code';
import { toolCall } from '@workgym/protocol';
import { DockerRuntime, EnvPool, manifestServerSpec } from '@workgym/runtime';
import { expertEpisode } from './lib/expert-episode.js';
import { ms, timeSummary } from './lib/stats.js';

const run = promisify(execFile);
const quick = process.argv.includes('--quick');

const spec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-bench') });
const runtime = new DockerRuntime({ runId: `bench-code-${process.pid}` });
console.log(`image ${spec.image}${quick ? ' (quick)' : ''}`);

const instance = await runtime.start(spec, { callDeadlineMs: 120_000 });
try {
  const client = instance.client;
  await client.hello();
  const { session } = await client.reset({ family: 'code/py-fix-bug', seed: 1 });
  for (let i = 0; i < 5; i++) await client.step(session, [toolCall('bash', { command: 'true' }, 'b')]);
  const step = await timeSummary(quick ? 50 : 300, () => client.step(session, [toolCall('bash', { command: 'true' }, 'b')]));
  const exec = await timeSummary(quick ? 10 : 30, () => run('docker', ['exec', instance.id, 'true']));
  await client.closeSession(session);
  console.log('\nstep round trip (median, mean)');
  console.log(`  bash("true") step        ${ms(step.median)}, ${ms(step.mean)}`);
  console.log(`  docker exec CONTAINER true ${ms(exec.median)}, ${ms(exec.mean)}`);
  console.log(`  ratio (median)           ${(exec.median / step.median).toFixed(1)}x faster`);

  console.log('\nreset of a warm instance (median, mean)');
  const dockerRun = await timeSummary(quick ? 5 : 10, () => run('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'true', spec.image!]));
  for (const family of ['code/py-implement-function', 'code/sql-query', 'code/git-history-question']) {
    let seed = 0;
    const reset = await timeSummary(quick ? 10 : 40, async () => {
      const r = await client.reset({ family, seed: ++seed });
      await client.closeSession(r.session);
    });
    console.log(`  ${family.padEnd(28)} ${ms(reset.median)}, ${ms(reset.mean)}  ratio ${(dockerRun.median / reset.median).toFixed(1)}x faster`);
  }
  console.log(`  docker run --rm IMAGE true    ${ms(dockerRun.median)}, ${ms(dockerRun.mean)}`);
} finally {
  await instance.close();
}

console.log('\nexpert episodes per minute (EnvPool, DockerRuntime, all families round-robin)');
const families = await (async () => {
  const probe = await runtime.start(spec);
  try {
    return (await probe.client.listTasks()).families.map((f) => f.id);
  } finally {
    await probe.close();
  }
})();
let base = 0;
for (const parallelism of [1, 2, 4]) {
  const pool = await EnvPool.create({ runtime, spec, size: parallelism, callDeadlineMs: 120_000 });
  try {
    const episodes = (quick ? 10 : 30) * Math.max(1, parallelism / 2);
    let next = 0;
    let solved = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: parallelism }, async () => {
        while (next < episodes) {
          const index = next++;
          const lease = await pool.acquire();
          try {
            if ((await expertEpisode(lease.client, families[index % families.length]!, 1000 + index)) === 1) solved += 1;
          } finally {
            await lease.release();
          }
        }
      }),
    );
    const perMinute = (episodes / (performance.now() - start)) * 60_000;
    base ||= perMinute;
    console.log(
      `  parallelism ${parallelism}: ${perMinute.toFixed(0)} episodes/min (${solved}/${episodes} solved, ${(perMinute / base).toFixed(2)}x of parallelism 1)`,
    );
  } finally {
    await pool.close();
  }
}

// One queue worker as its own process, for bench/distributed.ts: serves the envs whose server
// specs it is given (JSON: { queue: { url, name }, parallel, workerId, specs: { env: EnvServerSpec } }) with the
// docker runtime until SIGTERM, then drains. Prints "ready" once listening.
//   node --conditions=source --import tsx bench/lib/queue-worker-process.ts '<json>'
import { agentFromSpec, startQueueWorker } from '@workgym/agents/distributed';
import { DockerRuntime, type EnvServerSpec } from '@workgym/runtime';

const config = JSON.parse(process.argv[2]!) as {
  queue: { url: string; name: string };
  parallel: number;
  workerId: string;
  specs: Record<string, EnvServerSpec>;
};
const worker = startQueueWorker({
  queue: config.queue,
  runtime: new DockerRuntime({ runId: `bench-distributed-${config.workerId}` }),
  envSpec: (env) => {
    const spec = config.specs[env];
    if (!spec) throw new Error(`no spec for ${env}`);
    return spec;
  },
  makeAgent: (spec) => agentFromSpec(spec),
  envs: Object.keys(config.specs),
  parallel: config.parallel,
  workerId: config.workerId,
  onEvent: (event) => {
    if (event.kind === 'done') process.stdout.write(`done ${event.env} ${event.bytes}\n`);
    if (event.kind === 'refused' || event.kind === 'error') process.stderr.write(`${config.workerId}: ${JSON.stringify(event)}\n`);
  },
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.drain(30_000).then(() => process.exit(0));
});

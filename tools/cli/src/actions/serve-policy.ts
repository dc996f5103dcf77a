import { LinearPolicy } from '@workgym/trainers/learner';
import { PolicyServer } from '@workgym/trainers/serve';
import { UsageError } from '../usage-error.js';

export async function servePolicy(dir: string, flags: { port: number; host: string; model: string }): Promise<void> {
  const policy = await LinearPolicy.load(dir);
  const server = await PolicyServer.start({ policy, port: flags.port, host: flags.host, model: flags.model }).catch((error: Error) => {
    throw new UsageError(`cannot listen on ${flags.host}:${flags.port}: ${error.message}; pick another --port`);
  });
  console.log(`serving ${dir} (${policy.meta.method}, trained on ${policy.meta.trainedOn.join(', ') || 'nothing'}) at ${server.baseURL}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop).once('SIGTERM', stop);
  });
  await server.close();
}

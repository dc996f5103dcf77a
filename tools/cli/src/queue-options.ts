import { Option } from 'commander';

// The options of the commands that meet on a Redis queue (rollout --queue, worker), defined once.
// The URL and the name are checked, and the password kept out of every output, by the distributed
// library (@workgym/agents/distributed), which only these commands' actions load.

export const QUEUE_URL_FORMS = 'redis://[USER:PASSWORD@]HOST:PORT, or rediss:// for TLS; the password may come from WORKGYM_REDIS_PASSWORD instead';

export function queueOption(help: string): Option {
  return new Option('--queue <url>', help);
}

export function queueNameOption(): Option {
  return new Option('--queue-name <name>', 'the name of the run on that Redis (several runs can share one Redis under different names; default workgym)');
}

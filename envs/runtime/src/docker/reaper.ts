import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { connectDocker } from './docker-connection.js';
import { LABEL_OWNER, LABEL_RUN } from './labels.js';

export interface ReapOptions {
  docker?: Docker;
  /** Remove this run's containers whatever their owner's state. */
  runId?: string;
  /** Remove every workgym container, live owner or not. */
  all?: boolean;
}

/**
 * Removes leftover workgym containers: by default those whose owning process on this host is
 * gone (it was killed before it could clean up). Returns the ids it removed.
 */
export async function reapContainers(options: ReapOptions = {}): Promise<string[]> {
  const docker = options.docker ?? connectDocker();
  const label = options.runId ? [`${LABEL_RUN}=${options.runId}`] : [LABEL_RUN];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const doomed = containers.filter((c) => options.all || options.runId || ownerIsGone(c.Labels[LABEL_OWNER]));
  await Promise.allSettled(doomed.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  return doomed.map((c) => c.Id);
}

function ownerIsGone(owner: string | undefined): boolean {
  const [host, pid] = (owner ?? '').split(':');
  if (!host || !pid) return true;
  if (host !== hostname()) return false; // another machine's; not ours to judge
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

import { spawnSync } from 'node:child_process';

// Containers outlive a process that dies without removing them. Every container this process
// starts is tracked here until it is removed; a signal, process.exit or a crash removes the rest.
const pending = new Map<string, () => Promise<unknown>>();
let installed = false;

export function trackForCleanup(id: string, remove: () => Promise<unknown>): () => void {
  pending.set(id, remove);
  installHandlers();
  return () => pending.delete(id);
}

/** Removes every container this process still owns. */
export async function cleanUpNow(): Promise<void> {
  const removals = [...pending.values()];
  pending.clear();
  await Promise.allSettled(removals.map((remove) => remove()));
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      // Another handler (a rollout stopping, a queue worker draining) owns the exit and its
      // containers when there is one: a drain's episodes in flight still need theirs. What it
      // leaves is removed on exit (below).
      if (process.listenerCount(signal) > 0) return;
      void cleanUpNow().finally(() => process.exit(code));
    });
  }
  // 'exit' allows no async work: an uncaught error or process.exit() gets a synchronous docker rm.
  process.once('exit', () => {
    if (pending.size === 0) return;
    spawnSync('docker', ['rm', '-f', ...pending.keys()], { stdio: 'ignore', timeout: 10_000 });
  });
}

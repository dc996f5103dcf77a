import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectDocker, LABEL_RUN, reapContainers } from '../src/index.js';

const holder = fileURLToPath(new URL('./fixtures/hold-container.ts', import.meta.url));
const docker = connectDocker();

/** Runs the holder script; resolves with its container id once the container runs. */
function holdContainer(runId: string, mode: 'wait' | 'crash' = 'wait') {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', holder, runId, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const id = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', () => reject(new Error('the holder exited before starting a container')));
  });
  return { child, id, exited };
}

async function exists(id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

describe('container cleanup when the owning process ends', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('removes the containers of a process stopped with %s', async (signal) => {
    const { child, id, exited } = holdContainer(`test-cleanup-${signal}-${process.pid}`);
    const container = await id;
    expect(await exists(container)).toBe(true);
    child.kill(signal);
    await exited;
    expect(await exists(container)).toBe(false);
  });

  it('removes the containers of a process that crashes with an uncaught error', async () => {
    const { id, exited } = holdContainer(`test-cleanup-crash-${process.pid}`, 'crash');
    const container = await id;
    expect(await exited).toBe(1);
    expect(await exists(container)).toBe(false);
  });

  it('reaps the containers of a process killed with SIGKILL, and spares those of a live one', async () => {
    const dead = holdContainer(`test-reap-dead-${process.pid}`);
    const live = holdContainer(`test-reap-live-${process.pid}`);
    const [deadContainer, liveContainer] = await Promise.all([dead.id, live.id]);
    dead.child.kill('SIGKILL');
    await dead.exited;
    expect(await exists(deadContainer)).toBe(true);
    const reaped = await reapContainers();
    expect(reaped).toContain(deadContainer);
    expect(reaped).not.toContain(liveContainer);
    expect(await exists(deadContainer)).toBe(false);
    expect(await exists(liveContainer)).toBe(true);
    live.child.kill('SIGTERM');
    await live.exited;
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=test-reap-live-${process.pid}`] } });
    expect(left).toEqual([]);
  });
});

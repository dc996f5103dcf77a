import { chmodSync, truncateSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { WorkgymError } from '@workgym/protocol';
import type { Commit, TaskInstance } from '../tasks/task.js';
import type { Sandbox } from './sandbox.js';

export class WorkspaceSetupError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_CODE_WORKSPACE_SETUP', message);
  }
}

/**
 * Gives the next episode a clean machine: every process of the agent and the judge killed,
 * their files (workspace, home, /tmp, /dev/shm...) and IPC objects removed, then the task's
 * files written as the agent. At most two short processes run (git, sqlite3).
 */
export async function prepareWorkspace(sandbox: Sandbox, instance: TaskInstance, signal: AbortSignal): Promise<void> {
  await sandbox.clean('agent', 'judge');
  const root = sandbox.layout.workspace;
  if (instance.git) {
    await runOrFail(
      sandbox,
      'git history',
      ['/bin/sh', '-c', 'git init -q -b main && git fast-import --quiet && git reset -q --hard main'],
      fastImport(instance.git),
      signal,
    );
  } else {
    sandbox.writeFiles('agent', root, instance.files);
  }
  shapeFiles(sandbox, instance);
  const deepestFirst = Object.entries(instance.modes ?? {}).sort(([a], [b]) => b.split('/').length - a.split('/').length);
  sandbox.as('agent', () => {
    for (const [path, mode] of deepestFirst) chmodSync(join(root, path), mode);
  });
  for (const [path, sql] of Object.entries(instance.databases ?? {})) await runOrFail(sandbox, path, ['sqlite3', '-bail', path], sql, signal);
}

/** Gives files their declared apparent sizes (a hole after the text) and ages (modification times before now). */
function shapeFiles(sandbox: Sandbox, instance: TaskInstance): void {
  const root = sandbox.layout.workspace;
  const now = Date.now() / 1000;
  sandbox.as('agent', () => {
    for (const [path, size] of Object.entries(instance.sizes ?? {})) truncateSync(join(root, path), size);
    for (const [path, age] of Object.entries(instance.ages ?? {})) utimesSync(join(root, path), now - age, now - age);
  });
}

async function runOrFail(sandbox: Sandbox, what: string, argv: string[], stdin: string, signal: AbortSignal): Promise<void> {
  const result = await sandbox.run('agent', { argv, cwd: sandbox.layout.workspace, stdin, timeoutMs: 30_000, signal });
  if (result.exitCode !== 0) {
    throw new WorkspaceSetupError(`could not create ${what} (exit ${result.exitCode}): ${result.stderr.text().slice(0, 500)}`);
  }
}

/** A git fast-import stream of the commits: one process builds the whole history, deterministically. */
export function fastImport(commits: Commit[]): string {
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  return commits
    .map((c, i) => {
      const who = `${c.author} <${c.email}> ${c.time} +0000`;
      const changes = Object.entries(c.files).map(([path, content]) => (content === null ? `D ${path}\n` : `M 100644 inline ${path}\n${data(content)}`));
      return [`commit refs/heads/main\nmark :${i + 1}\nauthor ${who}\ncommitter ${who}\n${data(c.message)}`, i > 0 ? `from :${i}\n` : '', ...changes].join('');
    })
    .join('\n');
}

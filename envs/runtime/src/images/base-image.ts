import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { WorkgymError } from '@workgym/protocol';
import { connectDocker } from '../docker/docker-connection.js';
import { followProgress } from './progress.js';

export const BASE_IMAGE = 'workgym/base:bookworm';
const LOCAL_DEBIAN = 'debian:bookworm-slim';

export class BaseImageError extends WorkgymError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_BASE_IMAGE', message, options);
  }
}

export interface BaseImageOptions {
  docker?: Docker;
  log?: (line: string) => void;
}

/**
 * Makes sure the Debian base image exists without any registry: a local debian:bookworm-slim
 * when present, else a minimal root file system from debootstrap imported with `docker import`.
 */
export async function ensureBaseImage(options: BaseImageOptions = {}): Promise<string> {
  const docker = options.docker ?? connectDocker();
  const log = options.log ?? (() => undefined);
  const existing = await imageId(docker, BASE_IMAGE);
  if (existing) return existing;
  const local = await imageId(docker, LOCAL_DEBIAN);
  if (local) {
    log(`tagging local ${LOCAL_DEBIAN} as ${BASE_IMAGE}`);
    await docker.getImage(LOCAL_DEBIAN).tag({ repo: 'workgym/base', tag: 'bookworm' });
    return local;
  }
  const root = await mkdtemp(join(tmpdir(), 'workgym-rootfs-'));
  try {
    const mirror = await debianMirror();
    log(`debootstrap bookworm from ${mirror} (about a minute)`);
    await run('debootstrap', ['--variant=minbase', 'bookworm', root, mirror]);
    await rm(join(root, 'usr/share/doc'), { recursive: true, force: true });
    await rm(join(root, 'usr/share/man'), { recursive: true, force: true });
    await rm(join(root, 'var/lib/apt/lists'), { recursive: true, force: true });
    await rm(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    log(`importing the root file system as ${BASE_IMAGE}`);
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = await docker.importImage(tar.stdout as unknown as string, { repo: 'workgym/base', tag: 'bookworm' });
    await followProgress(docker, stream as NodeJS.ReadableStream);
  } catch (error) {
    throw new BaseImageError(`could not build ${BASE_IMAGE}: ${(error as Error).message}`, { cause: error });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const id = await imageId(docker, BASE_IMAGE);
  if (!id) throw new BaseImageError(`${BASE_IMAGE} is missing after the import`);
  return id;
}

/** The id of an image on the engine (a tag or name), if it is there. */
export async function findImage(name: string, docker: Docker = connectDocker()): Promise<string | undefined> {
  return imageId(docker, name);
}

export async function imageId(docker: Docker, name: string): Promise<string | undefined> {
  return docker
    .getImage(name)
    .inspect()
    .then(
      (i) => i.Id,
      () => undefined,
    );
}

/** The mirror apt on this machine uses, so debootstrap reaches the same archive. */
async function debianMirror(): Promise<string> {
  if (process.env.WORKGYM_DEBIAN_MIRROR) return process.env.WORKGYM_DEBIAN_MIRROR;
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const match = /^URIs:\s*(\S+\/debian)\s*$/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+bookworm\b/m.exec(text);
    if (match) return match[1]!;
  }
  return 'http://deb.debian.org/debian';
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`))));
  });
}

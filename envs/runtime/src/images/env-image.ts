import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { connectDocker } from '../docker/docker-connection.js';
import { SERVER_USER } from '../docker/hardening.js';
import { ensureBaseImage, imageId } from './base-image.js';
import { bundleServer } from './bundle.js';
import { followProgress } from './progress.js';

export const LABEL_IMAGE = 'workgym.image';

/** What goes into an env's image. */
export interface EnvImageSource {
  name: string;
  /** The env server's TypeScript entry point. */
  serverEntry: string;
  /** Where the bundled server is written (the local runtime runs the same file). */
  bundleOut: string;
  /**
   * The env's `image/` folder. Its `Dockerfile` holds only the env's own instructions (RUN
   * apt-get install ...); the builder wraps them with FROM, Node, the server and the user.
   */
  imageDir?: string;
}

export interface EnvImagePlan {
  name: string;
  tag: string;
  bundle: string;
  dockerfile: string;
  files: { path: string; data: Buffer; mode: number }[];
}

export interface BuiltEnvImage {
  tag: string;
  id: string;
  /** False when an image with this content hash already existed. */
  built: boolean;
  bundle: string;
}

export interface ImageBuildOptions {
  docker?: Docker;
  log?: (line: string) => void;
}

/** Bundles the server and computes the image's content-hash tag, without building anything. */
export async function planEnvImage(source: EnvImageSource, baseId: string): Promise<EnvImagePlan> {
  const bundle = await bundleServer(source.serverEntry, source.bundleOut);
  const extra = source.imageDir ? await readTree(source.imageDir) : [];
  const fragment = extra.find((f) => f.path === 'image/Dockerfile')?.data.toString('utf8') ?? '';
  const dockerfile = [
    `FROM ${baseId}`,
    fragment.trim(),
    'COPY workgym/node /usr/local/bin/node',
    'COPY workgym/server.mjs /opt/workgym/server.mjs',
    `USER ${SERVER_USER}`,
    'WORKDIR /tmp',
    'ENTRYPOINT ["/usr/local/bin/node", "/opt/workgym/server.mjs"]',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
  const files = [
    { path: 'Dockerfile', data: Buffer.from(dockerfile), mode: 0o644 },
    { path: 'workgym/server.mjs', data: await readFile(bundle), mode: 0o644 },
    ...extra,
  ];
  const hash = createHash('sha256');
  // Node is identified by its version, not its 100 MB of bytes.
  hash.update(`node ${process.version} ${process.arch}\n`);
  for (const file of files) hash.update(`${file.path} ${file.mode} ${file.data.length}\n`).update(file.data);
  return { name: source.name, tag: `workgym/${source.name}:${hash.digest('hex').slice(0, 16)}`, bundle, dockerfile, files };
}

/** Builds the env's image unless one with the same content hash exists. */
export async function buildEnvImage(source: EnvImageSource, options: ImageBuildOptions = {}): Promise<BuiltEnvImage> {
  const docker = options.docker ?? connectDocker();
  const baseId = await ensureBaseImage({ docker, log: options.log });
  const plan = await planEnvImage(source, baseId);
  const existing = await imageId(docker, plan.tag);
  if (existing) return { tag: plan.tag, id: existing, built: false, bundle: plan.bundle };
  options.log?.(`building ${plan.tag}`);
  const stream = await docker.buildImage(await buildContext(plan), {
    t: plan.tag,
    labels: { [LABEL_IMAGE]: plan.name },
    rm: true,
    forcerm: true,
  });
  await followProgress(docker, stream, options.log);
  const id = await imageId(docker, plan.tag);
  if (!id) throw new Error(`${plan.tag} is missing after its build`);
  return { tag: plan.tag, id, built: true, bundle: plan.bundle };
}

async function buildContext(plan: EnvImagePlan): Promise<NodeJS.ReadableStream> {
  const tar = pack();
  const node = await readFile(process.execPath);
  for (const file of [...plan.files, { path: 'workgym/node', data: node, mode: 0o755 }]) {
    tar.entry({ name: file.path, mode: file.mode, mtime: new Date(0) }, file.data);
  }
  tar.finalize();
  return tar as unknown as NodeJS.ReadableStream;
}

async function readTree(dir: string): Promise<EnvImagePlan['files']> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => {
        const full = join(e.parentPath, e.name);
        return { path: `image/${relative(dir, full)}`, data: await readFile(full), mode: 0o644 };
      }),
  );
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

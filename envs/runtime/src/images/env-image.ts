import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
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
  /** Further programs to bundle beside the server (name -> entry module), copied to /opt/workgym/bundles/<name>.mjs. */
  bundles?: Record<string, string>;
}

/** Where the image holds the further programs an env bundles (EnvManifest.bundles). */
export const BUNDLES_DIR = '/opt/workgym/bundles';
const BUNDLE_NAME = /^[a-z0-9][a-z0-9-]*$/;

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
  const bundles = await bundlePrograms(source);
  const dockerfile = [
    `FROM ${baseId}`,
    fragment.trim(),
    'COPY workgym/node /usr/local/bin/node',
    'COPY workgym/server.mjs /opt/workgym/server.mjs',
    bundles.length > 0 ? `COPY workgym/bundles/ ${BUNDLES_DIR}/` : '',
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
    ...bundles,
    ...extra,
  ];
  const hash = createHash('sha256');
  // Node is identified by its version, not its 100 MB of bytes.
  hash.update(`node ${process.version} ${process.arch}\n`);
  for (const file of files) hash.update(`${file.path} ${file.mode} ${file.data.length}\n`).update(file.data);
  return { name: source.name, tag: `workgym/${source.name}:${hash.digest('hex').slice(0, 16)}`, bundle, dockerfile, files };
}

/** The env's further programs, each bundled beside the server's bundle and named for the image. */
async function bundlePrograms(source: EnvImageSource): Promise<EnvImagePlan['files']> {
  const programs = Object.entries(source.bundles ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return Promise.all(
    programs.map(async ([name, entry]) => {
      if (!BUNDLE_NAME.test(name)) throw new Error(`${source.name}: bundle name ${JSON.stringify(name)} must match ${BUNDLE_NAME}`);
      const out = await bundleServer(entry, join(dirname(source.bundleOut), 'bundles', `${name}.mjs`));
      return { path: `workgym/bundles/${name}.mjs`, data: await readFile(out), mode: 0o644 };
    }),
  );
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

import { BASE_IMAGE, buildEnvImage, ensureBaseImage, findImage, listEnvImages, planEnvImage, pruneImages } from '@workgym/runtime';
import { findEnvs } from '../env-registry.js';
import { imageSource } from '../env-specs.js';
import { formatBytes, formatTable } from '../format.js';

const log = (line: string) => process.stderr.write(`  ${line}\n`);

export async function buildImages(names: string[], options: { json?: boolean; verbose?: boolean; dryRun?: boolean }): Promise<void> {
  if (options.dryRun) return planImages(names);
  const base = await ensureBaseImage({ log });
  const built = [];
  for (const manifest of findEnvs(names)) {
    const started = Date.now();
    const image = await buildEnvImage(imageSource(manifest), { log: options.verbose ? log : undefined });
    built.push({ env: manifest.name, tag: image.tag, id: image.id, built: image.built, seconds: (Date.now() - started) / 1000 });
    if (!options.json) console.log(`${manifest.name}: ${image.tag} (${image.built ? `built in ${built.at(-1)!.seconds.toFixed(1)} s` : 'up to date'})`);
  }
  if (options.json) console.log(JSON.stringify({ base, images: built }, null, 2));
  else if (built.length === 0) console.log(`base image ready (${base.slice(0, 19)}); no env images to build`);
}

export async function listImages(options: { json?: boolean }): Promise<void> {
  const list = await listEnvImages();
  if (options.json) return void console.log(JSON.stringify({ images: list }, null, 2));
  if (list.length === 0) return void console.log('no env images; run `workgym images build`');
  console.log(
    formatTable([['env', 'tag', 'size', 'created'], ...list.map((i) => [i.env, i.tag, formatBytes(i.sizeBytes), i.created.toISOString().slice(0, 19)])]),
  );
}

export async function pruneEnvImages(options: { all?: boolean; dryRun?: boolean }): Promise<void> {
  // A dry run builds nothing: without a base image, no env image is current.
  const base = options.all ? undefined : options.dryRun ? await findImage(BASE_IMAGE) : await ensureBaseImage({ log });
  const keep = base ? await Promise.all(findEnvs().map(async (m) => (await planEnvImage(imageSource(m), base)).tag)) : [];
  const removed = await pruneImages({ keep, all: options.all, dryRun: options.dryRun });
  const verb = options.dryRun ? 'dry run, nothing removed: would remove' : 'removed';
  console.log(removed.length ? `${verb} ${removed.length} image(s):\n  ${removed.join('\n  ')}` : 'nothing to prune');
}

/** --dry-run of build: each env's image tag from its sources, and whether it is built; nothing is built. */
async function planImages(names: string[]): Promise<void> {
  const manifests = findEnvs(names);
  const base = await findImage(BASE_IMAGE);
  const lines = [`dry run, nothing built: base image ${base ? `${BASE_IMAGE} is there` : `${BASE_IMAGE} would be built first`}`];
  for (const manifest of manifests) {
    const tag = base && (await planEnvImage(imageSource(manifest), base)).tag;
    const state = !tag ? 'would be built (on the new base image)' : (await findImage(tag)) ? `${tag} is up to date` : `${tag} would be built`;
    lines.push(`  ${manifest.name}: ${state}`);
  }
  console.log(lines.join('\n'));
}

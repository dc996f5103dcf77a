import { buildEnvImage, ensureBaseImage, listEnvImages, planEnvImage, pruneImages } from '@workgym/runtime';
import { findEnvs } from '../env-registry.js';
import { imageSource } from '../env-specs.js';
import { formatBytes, formatTable } from '../format.js';

const log = (line: string) => process.stderr.write(`  ${line}\n`);

export async function buildImages(names: string[], options: { json?: boolean; verbose?: boolean }): Promise<void> {
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

export async function pruneEnvImages(options: { all?: boolean }): Promise<void> {
  const base = options.all ? '' : await ensureBaseImage({ log });
  const keep = options.all ? [] : await Promise.all(findEnvs().map(async (m) => (await planEnvImage(imageSource(m), base)).tag));
  const removed = await pruneImages({ keep, all: options.all });
  console.log(removed.length ? `removed ${removed.length} image(s):\n  ${removed.join('\n  ')}` : 'nothing to prune');
}

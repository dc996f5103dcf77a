import type Docker from 'dockerode';
import { connectDocker } from '../docker/docker-connection.js';
import { BASE_IMAGE, imageId } from './base-image.js';
import { LABEL_IMAGE } from './env-image.js';

export interface ImageSummary {
  env: string;
  tag: string;
  id: string;
  sizeBytes: number;
  created: Date;
}

/** Every env image on the engine, newest first. */
export async function listEnvImages(docker: Docker = connectDocker()): Promise<ImageSummary[]> {
  const images = await docker.listImages({ filters: { label: [LABEL_IMAGE] } });
  return images
    .flatMap((image) =>
      (image.RepoTags ?? ['<none>']).map((tag) => ({
        env: image.Labels?.[LABEL_IMAGE] ?? '?',
        tag,
        id: image.Id,
        sizeBytes: image.Size,
        created: new Date(image.Created * 1000),
      })),
    )
    .sort((a, b) => b.created.getTime() - a.created.getTime());
}

/** Removes env images other than `keep` (and the base image too when `all`); with `dryRun`, only names them. */
export async function pruneImages(options: { keep: string[]; all?: boolean; dryRun?: boolean; docker?: Docker }): Promise<string[]> {
  const docker = options.docker ?? connectDocker();
  const keep = new Set(options.all ? [] : options.keep);
  const doomed = (await listEnvImages(docker))
    .filter((image) => !keep.has(image.tag))
    .map((image) => (image.tag === '<none>:<none>' || image.tag === '<none>' ? image.id : image.tag));
  if (options.all && (await imageId(docker, BASE_IMAGE))) doomed.push(BASE_IMAGE);
  if (options.dryRun) return doomed;
  const removed: string[] = [];
  for (const name of doomed) {
    // Env images go by force (a stopped container may hold them); the base image only when nothing uses it.
    const force = name !== BASE_IMAGE;
    if (
      await docker
        .getImage(name)
        .remove({ force })
        .then(
          () => true,
          () => false,
        )
    )
      removed.push(name);
  }
  return removed;
}

import type Docker from 'dockerode';
import { connectDocker } from '../docker/docker-connection.js';
import { BASE_IMAGE } from './base-image.js';
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

/** Removes env images other than `keep` (and the base image too when `all`). */
export async function pruneImages(options: { keep: string[]; all?: boolean; docker?: Docker }): Promise<string[]> {
  const docker = options.docker ?? connectDocker();
  const keep = new Set(options.all ? [] : options.keep);
  const doomed = (await listEnvImages(docker)).filter((image) => !keep.has(image.tag));
  const removed: string[] = [];
  for (const image of doomed) {
    const name = image.tag === '<none>:<none>' || image.tag === '<none>' ? image.id : image.tag;
    if (
      await docker
        .getImage(name)
        .remove({ force: true })
        .then(
          () => true,
          () => false,
        )
    )
      removed.push(name);
  }
  if (
    options.all &&
    (await docker
      .getImage(BASE_IMAGE)
      .remove()
      .then(
        () => true,
        () => false,
      ))
  )
    removed.push(BASE_IMAGE);
  return removed;
}

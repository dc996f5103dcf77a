import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEnvImage, connectDocker, DockerRuntime, ensureBaseImage, LABEL_IMAGE, listEnvImages, planEnvImage, pruneImages } from '../src/index.js';
import { counterSource } from './helpers.js';

const docker = connectDocker();

describe('env images', () => {
  it('tags an image by the hash of what goes into it, so an unchanged env is not rebuilt', async () => {
    const base = await ensureBaseImage();
    const first = await planEnvImage(counterSource, base);
    const again = await planEnvImage(counterSource, base);
    expect(again.tag).toBe(first.tag);
    expect(first.tag).toMatch(/^workgym\/counter:[0-9a-f]{16}$/);
    expect((await buildEnvImage(counterSource)).built).toBe(false);
  });

  it("builds an env's own Dockerfile instructions into its image and runs the server as non-root", async () => {
    const imageDir = await mkdtemp(join(tmpdir(), 'workgym-image-'));
    await writeFile(join(imageDir, 'Dockerfile'), 'COPY image/marker.txt /opt/marker.txt\n');
    await writeFile(join(imageDir, 'marker.txt'), `marker ${Date.now()}\n`);
    const source = { ...counterSource, name: 'counter-marked', imageDir };
    const plain = await planEnvImage(counterSource, await ensureBaseImage());
    const built = await buildEnvImage(source);
    try {
      expect(built.built).toBe(true);
      expect(built.tag).not.toBe(plain.tag.replace('counter:', 'counter-marked:'));
      const info = await docker.getImage(built.tag).inspect();
      expect(info.Config.User).toBe('10001:10001');
      expect(info.Config.Labels?.[LABEL_IMAGE]).toBe('counter-marked');
      await using instance = await new DockerRuntime({ runId: `test-images-${process.pid}` }).start({
        name: 'counter-marked',
        serverBundle: built.bundle,
        image: built.tag,
      });
      expect((await instance.client.hello()).name).toBe('counter');
      expect((await listEnvImages()).map((i) => i.tag)).toContain(built.tag);
    } finally {
      const keep = (await listEnvImages()).filter((i) => i.env !== 'counter-marked').map((i) => i.tag);
      // A dry run names what it would remove and removes nothing.
      expect(await pruneImages({ keep, dryRun: true })).toContain(built.tag);
      expect((await listEnvImages()).map((i) => i.tag)).toContain(built.tag);
      const removed = await pruneImages({ keep });
      expect(removed).toContain(built.tag);
    }
  });
});

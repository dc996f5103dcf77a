import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleError, writeBundle } from '../src/index.js';
import type { BundleRows, CompareView, EpisodeView, RunOverview, SourceInfo, TrainingView } from '../src/index.js';
import { episodeRecord, writeRun } from './fixtures/runs.js';

// writeBundle over real runs: the app's files copied, its index marked, and every data file a
// script that, run as the browser runs it, hands the app the same answers the server gives.

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d0e5f20000000049454e44ae426082',
  'hex',
);

let dir: string;
let app: string;
let pngSha: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-viewer-bundle-'));
  const writer = await writeRun(join(dir, 'run-a'), [], { open: true });
  pngSha = await writer.putBlob(PNG);
  await writer.append(
    episodeRecord({
      episodeId: 'a-0',
      seed: 0,
      instruction: 'Hostile </script><script>alert(1)</script> \u2028',
      images: [{ sha256: pngSha, mimeType: 'image/png' }],
    }),
  );
  await writer.append(episodeRecord({ episodeId: 'a-1', seed: 1, status: 'failure' }));
  await writer.append(episodeRecord({ episodeId: 'a-2', seed: 2, status: 'failure', family: 'code/other' }));
  await writer.finalize();
  await writer.close();
  await writeRun(join(dir, 'run-b'), [
    { episodeId: 'b-0', seed: 0 },
    { episodeId: 'b-1', seed: 1 },
  ]);
  await writeFile(join(dir, 'eval.json'), JSON.stringify({ rows: [] }));
  app = join(dir, 'app');
  await mkdir(join(app, 'assets'), { recursive: true });
  await writeFile(join(app, 'index.html'), '<!doctype html><html lang="en"><head><script src="./assets/app.js"></script></head><body></body></html>');
  await writeFile(join(app, 'assets', 'app.js'), '/* the app */');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs every data file as a classic script against a window whose __workgym.put collects what it is given. */
async function loadData(out: string): Promise<Map<string, unknown>> {
  const data = new Map<string, unknown>();
  const window = { __workgym: { put: (key: string, value: unknown) => data.set(key, value) } };
  for (const file of await readdir(join(out, 'data'), { recursive: true })) {
    if (!file.endsWith('.js')) continue;
    runInNewContext(await readFile(join(out, 'data', file), 'utf8'), { window });
  }
  return data;
}

describe('writeBundle', () => {
  it('writes the app, its index with the CSP and bundle marks, the data as scripts and the images', async () => {
    const out = join(dir, 'whole');
    const report = await writeBundle({ sources: [join(dir, 'run-a'), join(dir, 'run-b'), join(dir, 'eval.json')], out, appDir: app });
    expect(report).toEqual({ episodes: 5, blobs: 1, index: join(out, 'index.html') });
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(
      /^<!doctype html><html lang="en"><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self';[^"]*form-action 'none'"><meta name="workgym-bundle" content="1"><script/,
    );
    expect(html).not.toContain('frame-ancestors');
    expect(await readFile(join(out, 'assets', 'app.js'), 'utf8')).toBe('/* the app */');
    expect(Buffer.compare(await readFile(join(out, 'blobs', `${pngSha}.png`)), PNG)).toBe(0);

    const data = await loadData(out);
    expect((data.get('sources') as SourceInfo[]).map((s) => `${s.id}:${s.kind}`)).toEqual(['r0:run', 'r1:run', 'r2:eval']);
    expect(data.get('blobs')).toEqual({ [pngSha]: `blobs/${pngSha}.png` });
    expect((data.get('overview:r0') as RunOverview).episodes).toBe(3);
    const rows = data.get('rows:r0') as BundleRows;
    expect(rows.rows.map((r) => r.episodeId)).toEqual(['a-0', 'a-1', 'a-2']);
    expect(rows.texts[0]).toContain('hostile </script><script>alert(1)</script>');
    const episode = data.get('episode:r0:a-0') as EpisodeView;
    expect([episode.record.instruction, episode.next]).toEqual(['Hostile </script><script>alert(1)</script> \u2028', 'a-1']);
    expect((data.get('compare') as CompareView).disagreements.map((d) => d.seed)).toEqual([1]);
    expect(data.get('training:r2') as TrainingView).toMatchObject({ eval: { rows: [] } });
    expect(await readdir(join(out, 'data', 'r0'))).toEqual(expect.arrayContaining(['episode-0.js', 'episode-1.js', 'episode-2.js', 'rows.js', 'overview.js']));
  });

  it('keeps a key named __proto__ as data, never as a prototype (each value is parsed as JSON, not read as a literal)', async () => {
    const spec = JSON.parse('{"agent":"expert","options":{"__proto__":{"polluted":true}}}') as object;
    await writeRun(join(dir, 'run-proto'), [{ episodeId: 'p-0' }], { spec });
    const out = join(dir, 'proto');
    await writeBundle({ sources: [join(dir, 'run-proto')], out, appDir: app });
    const options = ((await loadData(out)).get('overview:r0') as RunOverview & { spec: { options: Record<string, unknown> } }).spec.options;
    expect(Object.hasOwn(options, '__proto__')).toBe(true);
    expect(options.polluted).toBeUndefined();
  });

  it('holds only the episodes selected, by ids or by a list query, with neighbours among them', async () => {
    const byIds = await loadData((await bundle('ids', 'a-0,a-2')).out);
    expect((byIds.get('rows:r0') as BundleRows).rows.map((r) => [r.index, r.episodeId])).toEqual([
      [0, 'a-0'],
      [2, 'a-2'],
    ]);
    expect((byIds.get('episode:r0:a-2') as EpisodeView).previous).toBe('a-0');
    expect(byIds.has('episode:r0:a-1')).toBe(false);
    expect((byIds.get('overview:r0') as RunOverview).episodes).toBe(2);
    const byQuery = await loadData((await bundle('query', 'status=failure&family=code/fix-bug')).out);
    expect((byQuery.get('rows:r0') as BundleRows).rows.map((r) => r.episodeId)).toEqual(['a-1']);
    expect(byQuery.get('blobs')).toEqual({});
  });

  it('refuses a folder that is not empty and a bad selection, in one line', async () => {
    const out = join(dir, 'taken');
    await mkdir(out);
    await writeFile(join(out, 'keep.txt'), 'mine');
    await expect(writeBundle({ sources: [join(dir, 'run-a')], out, appDir: app })).rejects.toThrow(
      new BundleError(`${out} is not empty: pick a new folder for the bundle`),
    );
    await expect(writeBundle({ sources: [join(dir, 'run-a')], out: join(dir, 'bad'), episodes: 'sort=nope', appDir: app })).rejects.toThrow(
      /^--episodes: sort must be one of/,
    );
    expect(await readFile(join(out, 'keep.txt'), 'utf8')).toBe('mine');
  });
});

async function bundle(name: string, episodes: string) {
  const out = join(dir, name);
  return { out, report: await writeBundle({ sources: [join(dir, 'run-a')], out, episodes, appDir: app }) };
}

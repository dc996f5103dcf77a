import { request } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer } from '../src/index.js';
import type { CompareView, EpisodePage, EpisodeView, RunOverview, SourceInfo, TrainingView, Viewer } from '../src/index.js';
import { episodeRecord, writeRun } from './fixtures/runs.js';
import type { EpisodeSpec } from './fixtures/runs.js';

// The viewer's server over real runs (written with createRun), real training files and a real
// HTTP client: what the app gets, the headers, the refusals, a run appended while it serves.

/** A 1x1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d0e5f20000000049454e44ae426082',
  'hex',
);

let dir: string;
let viewer: Viewer;
let runA: string;
let pngSha: string;
let svgSha: string;

const get = async (path: string) => {
  const res = await fetch(new URL(path, viewer.url));
  const bytes = Buffer.from(await res.arrayBuffer());
  const body: unknown = res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(bytes.toString()) : undefined;
  return { res, bytes, body };
};
const json = async <T>(path: string): Promise<T> => {
  const { res, body } = await get(path);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body as T;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-viewer-server-'));
  runA = join(dir, 'run-a');
  const writer = await writeRun(runA, [], { open: true, spec: { agent: { kind: 'expert' } } });
  pngSha = await writer.putBlob(PNG);
  svgSha = await writer.putBlob(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
  const specs: EpisodeSpec[] = [
    {
      episodeId: 'a-0',
      seed: 0,
      instruction: 'Fix the PARSER <script>alert(1)</script>',
      calls: [{ name: 'bash', args: { cmd: 'pytest -q' } }],
      stateChanges: [{ key: 'file:src/parse.py', before: 'x = 1\n', after: 'x = 2\n' }],
      images: [{ sha256: pngSha, mimeType: 'image/png' }],
      selfEvaluation: 0.9,
      totalMs: 4000,
    },
    { episodeId: 'a-1', seed: 1, status: 'failure', selfEvaluation: 0.8, totalMs: 2000, attempts: 3, images: [{ sha256: svgSha, mimeType: 'image/svg+xml' }] },
    { episodeId: 'a-2', seed: 2, family: 'code/other', status: 'infra_error', reward: 0 },
    {
      episodeId: 'a-3',
      seed: 3,
      env: 'spreadsheet',
      family: 'spreadsheet/sum',
      infeasible: true,
      stateChanges: [{ key: 'cell:Sales!B2', before: '{"value":1}', after: '{"formula":"=1+1","value":2}' }],
    },
  ];
  for (const spec of specs) await writer.append(episodeRecord(spec));
  await writer.finalize();
  await writer.close();
  // The same tasks, where a-1 now succeeds and a-0 fails.
  await writeRun(join(dir, 'run-b'), [
    { episodeId: 'b-0', seed: 0, status: 'failure' },
    { episodeId: 'b-1', seed: 1 },
    { episodeId: 'b-2', seed: 2, family: 'code/other' },
  ]);
  const training = join(dir, 'train');
  await mkdir(join(training, 'evals'), { recursive: true });
  await writeFile(
    join(training, 'curves.csv'),
    'iteration,env,episodes,mean_reward,success_rate,zero_variance_groups,groups\n0,code,8,0.25,0.25,1,2\n1,code,8,0.5,0.5,0,2\n',
  );
  await writeFile(join(training, 'test-curves.csv'), 'iteration,env,episodes,successes,success_rate,low,high,mean_reward\n0,code,10,2,0.2,0.05,0.5,0.2\n');
  await writeFile(join(training, 'comparison.json'), JSON.stringify({ from: 0, to: 1, rows: [] }));
  await writeFile(join(dir, 'eval.json'), JSON.stringify({ rows: [{ scope: 'all', key: 'all', n: 3 }] }));
  await writeFile(
    join(dir, 'transfer.json'),
    JSON.stringify({
      trainSets: [{ name: 'code', envs: ['code'] }],
      testEnvs: ['code'],
      cells: [{ trainSet: 'code', testEnv: 'code', success: { n: 3, successes: 1, rate: 1 / 3, low: 0.06, high: 0.79 } }],
    }),
  );
  const app = join(dir, 'app');
  await mkdir(join(app, 'assets'), { recursive: true });
  await writeFile(join(app, 'index.html'), '<!doctype html><html><head><script src="./assets/app.js"></script></head><body></body></html>');
  await writeFile(join(app, 'assets', 'app.js'), 'console.log("app")');
  viewer = await startViewer({ sources: [runA, join(dir, 'run-b'), training, join(dir, 'eval.json'), join(dir, 'transfer.json')], appDir: app });
});

afterAll(async () => {
  await viewer?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the viewer server', () => {
  it('lists the sources, each as what it is', async () => {
    const sources = await json<SourceInfo[]>('/api/sources');
    expect(sources.map((s) => [s.id, s.kind, s.name])).toEqual([
      ['r0', 'run', 'run-a'],
      ['r1', 'run', 'run-b'],
      ['r2', 'training', 'train'],
      ['r3', 'eval', 'eval.json'],
      ['r4', 'transfer', 'transfer.json'],
    ]);
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('sends the security headers on every answer, and no-store on the API', async () => {
    for (const path of ['/api/sources', '/api/nope', '/', '/assets/app.js', '/run/r0']) {
      const { res } = await get(path);
      expect(res.headers.get('content-security-policy'), path).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('cache-control'), path).toBe(path.startsWith('/api/') ? 'no-store' : null);
    }
  });

  it("serves the app's files, and index.html for any other path (client routes), never a file outside it", async () => {
    const asset = await get('/assets/app.js');
    expect([asset.res.status, asset.res.headers.get('content-type'), asset.bytes.toString()]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'console.log("app")',
    ]);
    for (const path of ['/', '/run/r0/episode/a-0', '/..%2f..%2fpackage.json', '/%E0%A4%A']) {
      const { res, bytes } = await get(path);
      expect([res.status, res.headers.get('content-type')], path).toEqual([200, 'text/html; charset=utf-8']);
      expect(bytes.toString(), path).toContain('<!doctype html>');
    }
    expect((await fetch(new URL('/api/sources', viewer.url), { method: 'POST' })).status).toBe(405);
  });

  it('gives a run overview from the index, then duration and calibration from the scan', async () => {
    await scanned('r0');
    const o = await json<RunOverview>('/api/overview?source=r0');
    expect([o.runId, o.episodes, o.live, o.success.successes, o.success.n]).toEqual(['run-a', 4, false, 2, 4]);
    expect(o.success.low).toBeGreaterThan(0.06);
    expect(o.success.high).toBeLessThan(0.94);
    expect(o.agent).toEqual({ kind: 'expert', model: 'scripted', contextPolicy: 'full' });
    expect(o.statuses).toEqual({ success: 2, failure: 1, infra_error: 1 });
    expect(o.retried).toEqual({ episodes: 1, retries: 2 });
    expect(o.by.family.map((r) => [r.key, r.successes, r.n])).toEqual([
      ['code/fix-bug', 1, 2],
      ['code/other', 0, 1],
      ['spreadsheet/sum', 1, 1],
    ]);
    expect(o.by.feasibility.map((r) => [r.key, r.n])).toEqual([
      ['feasible', 3],
      ['infeasible', 1],
    ]);
    expect(o.durationSeconds).toMatchObject({ count: 4, min: 2, max: 4 });
    expect(o.calibration).toMatchObject({ episodes: 2 });
    expect(o.calibration!.brier).toBeCloseTo((0.1 ** 2 + 0.8 ** 2) / 2, 10);
    expect(o.calibration!.bins[8]).toMatchObject({ n: 1, verified: 0 });
    expect(o.calibration!.bins[9]).toMatchObject({ n: 1, verified: 1 });
  });

  it('lists episodes with filters, sorting, paging and text search', async () => {
    await scanned('r0');
    const all = await json<EpisodePage>('/api/episodes?source=r0');
    expect([all.total, all.rows.map((r) => r.episodeId)]).toEqual([4, ['a-0', 'a-1', 'a-2', 'a-3']]);
    expect(all.facets.status).toEqual(['failure', 'infra_error', 'success']);
    const failed = await json<EpisodePage>('/api/episodes?source=r0&success=no&sort=seed&order=desc&limit=1&offset=1');
    expect([failed.total, failed.rows.map((r) => r.episodeId)]).toEqual([2, ['a-1']]);
    const text = await json<EpisodePage>('/api/episodes?source=r0&text=PYTEST');
    expect([text.textComplete, text.rows.map((r) => r.episodeId)]).toEqual([true, ['a-0']]);
    expect((await json<EpisodePage>('/api/episodes?source=r0&text=parser%20%3Cscript')).total).toBe(1);
  });

  it('shows an episode: the record, its env view and its neighbours in the list order', async () => {
    const view = await json<EpisodeView>('/api/episode?source=r0&id=a-0');
    expect([view.index, view.previous, view.next]).toEqual([0, undefined, 'a-1']);
    expect(view.record.instruction).toBe('Fix the PARSER <script>alert(1)</script>');
    expect(view.record.seed).toBe(0);
    if (view.envView.kind !== 'code') throw new Error(view.envView.kind);
    expect(view.envView.files[0]).toMatchObject({ path: 'src/parse.py', status: 'changed', binary: false });
    expect(view.envView.files[0]!.diff).toContain('-x = 1\n+x = 2');
    const sheet = await json<EpisodeView>('/api/episode?source=r0&id=a-3&sort=seed&order=desc');
    expect([sheet.previous, sheet.next]).toEqual([undefined, 'a-2']);
    expect(sheet.envView).toMatchObject({ kind: 'spreadsheet', cells: [{ sheet: 'Sales', cell: 'B2', now: { formula: '=1+1', value: '2' } }] });
  });

  it('serves images with their type and anything else as a download', async () => {
    await json('/api/episode?source=r0&id=a-1');
    const png = await get(`/api/blob?source=r0&sha=${pngSha}`);
    expect([png.res.status, png.res.headers.get('content-type'), png.res.headers.get('content-disposition')]).toEqual([200, 'image/png', null]);
    expect(Buffer.compare(png.bytes, PNG)).toBe(0);
    const svg = await get(`/api/blob?source=r0&sha=${svgSha}`);
    expect([svg.res.status, svg.res.headers.get('content-type'), svg.res.headers.get('content-disposition')]).toEqual([
      200,
      'application/octet-stream',
      `attachment; filename="${svgSha}.bin"`,
    ]);
  });

  it('refuses a bad request with 400 and one line, an unknown source or episode with 404', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/episodes?source=r0&limit=9999', 400, /^limit is at most 500/],
      ['/api/episodes?source=r0&sort=%3Cb%3E', 400, /^sort must be one of/],
      ['/api/episodes', 400, /^source is missing/],
      ['/api/episodes?source=r9', 404, /^no source "r9"/],
      ['/api/overview?source=r2', 400, /^r2 is a training source, not a run/],
      ['/api/episode?source=r0', 400, /^id is missing/],
      ['/api/episode?source=r0&id=nope', 404, /^r0 has no episode "nope"/],
      ['/api/blob?source=r0&sha=../../etc/passwd', 400, /^sha must be 64/],
      [`/api/blob?source=r0&sha=${'0'.repeat(64)}`, 404, /has no blob/],
      ['/api/compare?sources=r0', 400, /^sources needs two runs/],
      ['/api/training?source=r0', 400, /^r0 is a run/],
      ['/api/nope', 404, /^no such API/],
    ];
    for (const [path, status, message] of cases) {
      const { res, body } = await get(path);
      expect(res.status, path).toBe(status);
      expect((body as { error: string }).error, path).toMatch(message);
      expect((body as { error: string }).error, path).not.toContain('\n');
    }
  });

  it('compares runs per family with the difference and the tasks they disagree on', async () => {
    const c = await json<CompareView>('/api/compare?sources=r0,r1');
    expect(c.overall.map((r) => [r.successes, r.n])).toEqual([
      [2, 4],
      [2, 3],
    ]);
    const other = c.families.find((f) => f.family === 'code/other')!;
    expect(other.difference.value).toBe(1);
    expect(other.difference.low).toBeLessThan(1);
    expect(c.disagreements.map((d) => [d.seed, d.episodes.map((e) => `${e.episodeId}:${e.success}`)])).toEqual([
      [0, ['a-0:true', 'b-0:false']],
      [1, ['a-1:false', 'b-1:true']],
      [2, ['a-2:false', 'b-2:true']],
    ]);
  });

  it('reads training curves, an eval report and a transfer matrix as written', async () => {
    const t = await json<TrainingView>('/api/training?source=r2');
    expect(t.curves).toMatchObject({ iteration: [0, 1], env: ['code', 'code'], success_rate: [0.25, 0.5] });
    expect(t.testCurves).toMatchObject({ low: [0.05], high: [0.5] });
    expect(t.eval).toEqual({ from: 0, to: 1, rows: [] });
    expect((await json<TrainingView>('/api/training?source=r3')).eval).toEqual({ rows: [{ scope: 'all', key: 'all', n: 3 }] });
    expect((await json<TrainingView>('/api/training?source=r4')).transfer?.cells[0]?.trainSet).toBe('code');
  });

  it('refuses a request naming another host (DNS rebinding), and takes localhost', async () => {
    const port = new URL(viewer.url).port;
    expect(await statusWithHost(`rebound.example:${port}`)).toEqual({ status: 403, error: 'the viewer answers only requests to its own address (Host)' });
    expect(await statusWithHost(`127.0.0.1:${Number(port) + 1}`)).toMatchObject({ status: 403 });
    expect(await statusWithHost(`localhost:${port}`)).toEqual({ status: 200 });
  });

  it('never writes into a run it serves', async () => {
    const before = await listing(runA);
    await json('/api/overview?source=r0');
    await json('/api/episode?source=r0&id=a-2');
    await json(`/api/episodes?source=r0&text=x`);
    expect(await listing(runA)).toEqual(before);
  });
});

describe('a run being written', () => {
  it('shows new episodes without a restart, bumps the version, and searches them', async () => {
    const live = join(dir, 'live');
    const writer = await writeRun(live, [{ episodeId: 'l-0', seed: 0 }], { open: true });
    const v = await startViewer({ sources: [live], appDir: join(dir, 'app') });
    try {
      const first = await overviewOf(v);
      expect([first.episodes, first.live]).toEqual([1, true]);
      await writer.append(episodeRecord({ episodeId: 'l-1', seed: 1, instruction: 'a brand new needle' }));
      await writer.flush();
      const grown = await until(
        () => overviewOf(v),
        (o) => o.episodes === 2,
      );
      expect(grown.version).toBeGreaterThan(first.version);
      const found = await until(
        async () => (await fetch(new URL('/api/episodes?source=r0&text=needle', v.url))).json() as Promise<EpisodePage>,
        (p) => p.textComplete,
      );
      expect(found.rows.map((r) => r.episodeId)).toEqual(['l-1']);
      await writer.finalize();
      expect(
        (
          await until(
            () => overviewOf(v),
            (o) => !o.live,
          )
        ).episodes,
      ).toBe(2);
    } finally {
      await v.close();
      await writer.close();
    }
  });
});

/** GET /api/sources with this Host header (fetch cannot set one). */
function statusWithHost(host: string): Promise<{ status: number; error?: string }> {
  const { hostname, port } = new URL(viewer.url);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path: '/api/sources', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        resolve(res.statusCode === 200 ? { status: 200 } : { status: res.statusCode!, error: (JSON.parse(body) as { error: string }).error }),
      );
    })
      .on('error', reject)
      .end();
  });
}

async function overviewOf(v: Viewer): Promise<RunOverview> {
  return (await fetch(new URL('/api/overview?source=r0', v.url))).json() as Promise<RunOverview>;
}

/** Asks again (the server looks at a live run at most once a second) until `done`; the test's own timeout bounds it. */
async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await ask();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function scanned(source: string): Promise<void> {
  await until(
    async () => (await fetch(new URL(`/api/episodes?source=${source}&text=x`, viewer.url))).json() as Promise<EpisodePage>,
    (p) => p.textComplete,
  );
}

async function listing(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const s = await stat(path);
    out.push(`${path}:${s.size}:${s.mtimeMs}`);
  }
  return out.sort();
}

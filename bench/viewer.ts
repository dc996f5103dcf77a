/**
 * The viewer on a big run: time to the first list page and to an episode page, against
 * `workgym data show` (the terminal's way to read one episode) on the same run, in the same run
 * of the bench.
 *
 *   node --conditions=source --import tsx bench/viewer.ts [--episodes N] [--rounds R]
 *
 * - a run of N (default 100,000) synthetic episodes is written once with createRun;
 * - cold, each round, from the build (tools/cli/dist/main.js, rebuilt first if stale): `workgym data show RUN EP` to its
 *   exit, and `workgym view RUN` from spawn to its first list page answered and then to an episode
 *   page answered (the order of the two rotates each round);
 * - warm, in-process (startViewer): the first list page, the first sort by reward (the order is
 *   computed once and kept), a filtered page, an episode page, the overview, the background scan
 *   of every record and a text search once it is done.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createRun } from '@workgym/trajectories';
import type { EpisodeRecord } from '@workgym/trajectories';
import { startViewer } from '@workgym/viewer';
import { mean, ms, percentile, printTable, timeEach } from './lib/stats.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'tools/cli/bin/workgym.js');
/** The build itself: bin/workgym.js first rebuilds a checkout whose sources changed, which is not what is timed. */
const main = join(root, 'tools/cli/dist/main.js');
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench/viewer: ${name} takes a whole number >= 1`);
    process.exit(1);
  }
  return value;
};
const episodes = arg('--episodes', 100_000);
const rounds = arg('--rounds', 5);
const FAMILIES = ['code/py-fix-bug', 'code/sql-query', 'browser/shop-buy-cheapest', 'spreadsheet/clean-names', 'browser/admin-set-plan'];

function record(i: number): EpisodeRecord {
  const family = FAMILIES[i % FAMILIES.length]!;
  const success = (i * 7919) % 10 < 6;
  return {
    runId: 'bench-viewer',
    episodeId: `ep-${String(i).padStart(7, '0')}`,
    groupId: `g-${i}`,
    env: family.split('/')[0]!,
    family,
    job: 'engineer',
    seed: i,
    split: i % 5 === 0 ? 'test' : 'train',
    instruction: `Task ${i}: fix what the ${family} task asks; the customer ${i % 97} wants it by Friday.`,
    agent: { kind: 'openai', model: 'bench-model', contextPolicy: 'full' },
    steps: Array.from({ length: 3 + (i % 5) }, (_, k) => ({
      index: k,
      observation: { text: `page ${k} of episode ${i}: `.padEnd(400, 'x') },
      toolCalls: [{ id: `c${k}`, name: k % 2 ? 'click' : 'type', argumentsJson: JSON.stringify({ id: k, text: `value ${i}-${k}` }) }],
      results: [{ callId: `c${k}`, text: 'ok' }],
      usage: { promptTokens: 800 + k * 300, completionTokens: 30 },
    })),
    finalReward: success ? 1 : (i % 3) / 3,
    success,
    status: success ? 'success' : 'failure',
    selfEvaluation: ((i * 31) % 100) / 100,
    attempts: 1,
    timings: { totalMs: 5000 + (i % 4000) },
  };
}

async function writeBigRun(dir: string): Promise<number> {
  const start = performance.now();
  const writer = await createRun(dir, { spec: { bench: 'viewer' } });
  const BATCH = 2000;
  for (let i = 0; i < episodes; i += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, episodes - i) }, (_, k) => writer.append(record(i + k))));
  }
  await writer.finalize();
  await writer.close();
  return performance.now() - start;
}

const randomId = (i: number) => record((i * 48271) % episodes).episodeId!;

/** `workgym view RUN` from spawn: its first list page, then an episode page, answered. */
async function coldView(run: string, id: string): Promise<{ listPage: number; episodePage: number }> {
  const start = performance.now();
  const child = spawn(process.execPath, [main, 'view', run], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const found = / at (http:\/\/\S+\/)/.exec(out);
        if (found) resolve(found[1]!);
      });
      child.once('close', (code) => reject(new Error(`workgym view exited ${code}: ${out}`)));
    });
    await ok(await fetch(new URL('/api/episodes?source=r0&limit=50', url)));
    const listPage = performance.now() - start;
    await ok(await fetch(new URL(`/api/episode?source=r0&id=${id}`, url)));
    return { listPage, episodePage: performance.now() - start };
  } finally {
    child.kill('SIGTERM');
  }
}

async function ok(res: Response): Promise<unknown> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function coldDataShow(run: string, id: string): Promise<number> {
  const start = performance.now();
  await exec(process.execPath, [main, 'data', 'show', run, id], { maxBuffer: 64 << 20 });
  return performance.now() - start;
}

async function warm(run: string): Promise<string[][]> {
  const rows: string[][] = [['in-process, warm', 'time']];
  const once = async (label: string, body: () => Promise<unknown>) => {
    const start = performance.now();
    await body();
    rows.push([label, ms(performance.now() - start)]);
  };
  const startedAt = performance.now();
  const viewer = await startViewer({ sources: [run] });
  rows.push(['startViewer (opens the run: the episode index)', ms(performance.now() - startedAt)]);
  const get = (path: string) => fetch(new URL(path, viewer.url)).then(ok);
  try {
    await once('first list page (50 rows, store order)', () => get('/api/episodes?source=r0'));
    await once('first page sorted by reward (computes the order)', () => get('/api/episodes?source=r0&sort=reward&order=desc'));
    await once('the same again (the order is kept)', () => get('/api/episodes?source=r0&sort=reward&order=desc&offset=50000'));
    await once('filtered: family + failures, sorted by steps', () => get('/api/episodes?source=r0&family=code/sql-query&success=no&sort=steps'));
    const episode = await timeEach(30, (i) => get(`/api/episode?source=r0&id=${randomId(i + 1000)}`));
    rows.push(['episode page (median of 30 random episodes)', ms(percentile(episode, 50))]);
    await once('overview (rates by 6 fields, 3 distributions)', () => get('/api/overview?source=r0'));
    const scanStart = performance.now();
    for (;;) {
      const page = (await get('/api/episodes?source=r0&text=friday&limit=1')) as { textComplete: boolean };
      if (page.textComplete) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    rows.push([`background scan of all ${episodes.toLocaleString('en')} records (text, duration, calibration)`, ms(performance.now() - scanStart)]);
    await once('text search over every episode ("customer 42 ")', () => get('/api/episodes?source=r0&text=customer%2042%20'));
  } finally {
    await viewer.close();
  }
  return rows;
}

const dir = await mkdtemp(join(tmpdir(), 'workgym-bench-viewer-'));
try {
  const run = join(dir, 'run');
  await exec(process.execPath, [bin, '--help']);
  const wrote = await writeBigRun(run);
  console.log(`wrote ${episodes.toLocaleString('en')} episodes in ${ms(wrote)}`);
  const show: number[] = [];
  const list: number[] = [];
  const page: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const id = randomId(r);
    const view = async () => {
      const t = await coldView(run, id);
      list.push(t.listPage);
      page.push(t.episodePage);
    };
    const dataShow = async () => void show.push(await coldDataShow(run, id));
    for (const step of r % 2 ? [view, dataShow] : [dataShow, view]) await step();
  }
  const med = (s: number[]) => percentile(s, 50);
  printTable(`Cold, from the build, ${episodes.toLocaleString('en')} episodes, median of ${rounds} rounds`, [
    ['command', 'median', 'mean', 'vs data show'],
    ['`workgym data show RUN EP` (to exit)', ms(med(show)), ms(mean(show)), '1.00x'],
    ['`workgym view RUN`: first list page answered', ms(med(list)), ms(mean(list)), `${(med(list) / med(show)).toFixed(2)}x`],
    ['`workgym view RUN`: then an episode page answered', ms(med(page)), ms(mean(page)), `${(med(page) / med(show)).toFixed(2)}x`],
  ]);
  printTable('Warm, in-process', await warm(run));
} finally {
  await rm(dir, { recursive: true, force: true });
}

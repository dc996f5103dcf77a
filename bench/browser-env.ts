// Browser env: event-based settling against the fixed 0.5 s sleep common harnesses use, memory
// per live episode, and expert episodes per minute through EnvPool + DockerRuntime.
// Run: node --conditions=source --import tsx bench/browser-env.ts
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { BrowserEnv, CHROMIUM_ARGS, DEFAULT_SETTLE, manifest } from '@workgym/env-browser';
import { DockerRuntime, EnvPool, manifestServerSpec } from '@workgym/runtime';
import { mean, ms, percentile, printTable, timeEach } from './lib/stats.js';

const signal = new AbortController().signal;
const spec = (family: string, seed: number) => ({ family, seed, split: 'train', options: {} });

type Phases = Record<string, number>;

/** A kind of step, repeated on one page: which element the i-th step clicks. */
interface StepKind {
  label: string;
  family: string;
  target(text: string, i: number): number;
}

const idOf = (text: string, pattern: RegExp) => Number(text.match(pattern)![1]);

const STEP_KINDS: StepKind[] = [
  {
    label: 'click that re-renders the page by script (date picker, booking)',
    family: 'browser/booking-reserve',
    target: (text, i) => (i % 2 === 0 ? idOf(text, /\[(\d+)\] button "Pick a date"/) : idOf(text, /\[(\d+)\] button "\w+ \d{1,2}, \d{4}"/)),
  },
  {
    label: 'click on a link: a new document (shop "Home" / "All products")',
    family: 'browser/shop-buy-cheapest',
    target: (text, i) => idOf(text, new RegExp(`\\[(\\d+)\\] link "${i % 2 === 0 ? 'All products' : 'Home'}"`)),
  },
];

async function stepTimes(env: BrowserEnv, kind: StepKind, n: number) {
  const session = await env.reset(spec(kind.family, 1), signal);
  const phases: Phases[] = [];
  const times = await timeEach(n, async (i) => {
    const id = kind.target(session.observation.text ?? '', i);
    const outcome = await session.step({ id: 's', name: 'click', arguments: { id } }, signal);
    phases.push((outcome.info as { timings: Phases }).timings);
  });
  await session.close();
  return { times, phases };
}

async function resetTimes(env: BrowserEnv, n: number): Promise<number[]> {
  return timeEach(n, async (i) => (await env.reset(spec('browser/shop-buy-cheapest', i + 1), signal)).close());
}

/** Chromium's own floor for a navigating click here: press and release on a link, wait for its `load` event. */
async function bareNavigation(n: number): Promise<number[]> {
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<title>t</title><a href="/next">next</a>${'<p>text</p>'.repeat(60)}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', pipe: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('Page.enable');
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const { x, y } = await page.$eval('a', (a) => ({ x: a.getBoundingClientRect().x + 5, y: a.getBoundingClientRect().y + 5 }));
  const times = await timeEach(n, async () => {
    const loaded = new Promise((resolve) => cdp.once('Page.loadEventFired', resolve));
    await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', clickCount: 1 });
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', clickCount: 1 });
    await loaded;
  });
  await browser.close();
  server.close();
  return times;
}

/** Every step of the expert's episodes over all families, grouped by tool and by whether a new document loaded. */
async function expertSteps(env: BrowserEnv): Promise<Map<string, number[]>> {
  const groups = new Map<string, number[]>([['all', []]]);
  for (const { id: family } of env.families()) {
    const session = await env.reset(spec(family ?? '', 3), signal);
    for (let done = false; !done;) {
      const {
        calls: [call],
      } = await session.expert!(signal, '');
      const name = call?.name ?? '';
      const page = (session.observation.text ?? '').split('\n', 1)[0];
      const outcome = await session.step({ id: 'e', name, arguments: JSON.parse(call?.argumentsJson ?? '{}') as Record<string, unknown> }, signal);
      const total = (outcome.info as { timings?: Phases } | undefined)?.timings?.total_ms;
      if (total !== undefined) {
        const loaded = (outcome.observation.text ?? '').split('\n', 1)[0] !== page;
        for (const key of ['all', `${name}${loaded ? ' (new URL)' : ''}`]) groups.set(key, [...(groups.get(key) ?? []), total]);
      }
      done = outcome.terminated === true;
    }
    await session.close();
  }
  return groups;
}

const events = new BrowserEnv();
const fixed = new BrowserEnv({ settle: { ...DEFAULT_SETTLE, fixedSleepMs: 500 } });
await (await events.reset(spec('browser/shop-buy-cheapest', 0), signal)).close(); // warm-up: Chromium starts
await (await fixed.reset(spec('browser/shop-buy-cheapest', 0), signal)).close();
const resets = await resetTimes(events, 10);
const p50 = (xs: number[]) => percentile(xs, 50);
const stepRows = [['step (click + settle + observation)', 'event-based p50 / p95', 'fixed 0.5 s sleep p50', 'speed-up at p50']];
const phaseRows = [['step', 'action', 'navigation', 'network', 'dom', 'observe']];
for (const kind of STEP_KINDS) {
  const ev = await stepTimes(events, kind, 30);
  const fx = await stepTimes(fixed, kind, 8);
  stepRows.push([kind.label, `${ms(p50(ev.times))} / ${ms(percentile(ev.times, 95))}`, ms(p50(fx.times)), `${(p50(fx.times) / p50(ev.times)).toFixed(1)}x`]);
  phaseRows.push([kind.label, ...['action_ms', 'navigation_ms', 'network_ms', 'dom_ms', 'observe_ms'].map((p) => ms(p50(ev.phases.map((t) => t[p]!))))]);
}
await fixed.close();
const expert = await expertSteps(events);
const bare = await bareNavigation(30);
printTable('Reset (in-process, host Chromium, shop-buy-cheapest)', [
  ['what', 'p50', 'p95', 'mean'],
  ['reset: context + site + first observation', ms(p50(resets)), ms(percentile(resets, 95)), ms(mean(resets))],
]);
printTable('Steps: event-based settle against a fixed 0.5 s sleep', stepRows);
printTable('Phases of the event-based steps (p50)', phaseRows);
printTable('Expert steps over all families, event-based (step time as the env reports it)', [
  ['steps', 'count', 'p50', 'p95'],
  ...[...expert].map(([key, times]) => [key, String(times.length), ms(p50(times)), ms(percentile(times, 95))]),
]);
console.log(
  `\nChromium's own floor for a navigating click (press + release on a link, wait for load; nothing else): p50 ${ms(p50(bare))}, p95 ${ms(percentile(bare, 95))}`,
);

// Memory: resident memory of Chromium's processes (and this Node) with 0 and 4 live episodes.
function rssKiB(needle: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const self = Number(pid) === process.pid;
      if (!self && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) continue;
      total += Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return total;
}
const idle = await events.reset(spec('browser/shop-buy-cheapest', 50), signal);
await idle.close();
const base = rssKiB(events.host.profileDir!);
const live = await Promise.all([1, 2, 3, 4].map((s) => events.reset(spec('browser/shop-buy-cheapest', 100 + s), signal)));
const loaded = rssKiB(events.host.profileDir!);
await Promise.all(live.map((s) => s.close()));
await events.close();
printTable('Memory per live episode (RSS of Chromium processes + the env server)', [
  ['episodes', 'RSS', 'per episode'],
  ['0', `${(base / 1024).toFixed(0)} MiB`, '—'],
  ['4', `${(loaded / 1024).toFixed(0)} MiB`, `${((loaded - base) / 4 / 1024).toFixed(0)} MiB`],
]);

// Throughput: expert episodes per minute through EnvPool + DockerRuntime (one container, N sessions).
const serverSpec = await manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-bench') });
const runtime = new DockerRuntime({ runId: `bench-browser-${process.pid}` });
const rows = [['parallelism', 'episodes', 'wall', 'episodes/min', 'vs parallelism 1']];
let single = 0;
for (const parallel of [1, 2, 4]) {
  const pool = await EnvPool.create({ runtime, spec: serverSpec, size: 1 });
  const episodes = parallel * 3;
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < episodes) {
        const seed = next++;
        const lease = await pool.acquire();
        try {
          const r = await lease.client.reset({ family: 'browser/shop-coupon-checkout', seed, maxSteps: 50 });
          for (let done = false; !done;) {
            const { calls } = await lease.client.expert(r.session);
            const reply = await lease.client.step(r.session, calls);
            done = reply.terminated || reply.truncated;
          }
          await lease.client.closeSession(r.session);
        } finally {
          await lease.release();
        }
      }
    }),
  );
  const perMin = episodes / ((performance.now() - t) / 60_000);
  if (parallel === 1) single = perMin;
  rows.push([String(parallel), String(episodes), ms(performance.now() - t), perMin.toFixed(1), `${(perMin / single).toFixed(2)}x`]);
  await pool.close();
}
printTable('Expert episodes per minute (shop-coupon-checkout, EnvPool + DockerRuntime, 1 container, 1 CPU)', rows);

// Browser settle: step time when the settle also waits for short timers the action set (the
// default, issue 16) against the settle before it (DOM quiet window and network only), in the
// same run, on pages written for each case and on two of the env's own families. Also counts how
// often each step's observation already shows the page's reaction.
// Run: node --conditions=source --import tsx bench/browser-settle.ts
import type { BrowserContext } from 'puppeteer-core';
import { BrowserEnv, DEFAULT_SETTLE, type SettleOptions } from '@workgym/env-browser';
import { BrowserHost } from '../envs/browser/src/browser/browser-host.js';
import { PageDriver } from '../envs/browser/src/browser/page-driver.js';
import type { SiteApp, SiteRequest, SiteResponse } from '../envs/browser/src/sites/site-app.js';
import { SiteServer } from '../envs/browser/src/sites/site-server.js';
import { ms, percentile, printTable } from './lib/stats.js';

const NEW: SettleOptions = DEFAULT_SETTLE;
const OLD: SettleOptions = { ...DEFAULT_SETTLE, shortTimerMs: 0 };
const STEPS = 20;

const COUNTER = `<button onclick="out.textContent = 'clicked ' + (++window.n || (window.n = 1))">go</button><p id="out">idle</p>`;
const PAGES: Record<string, string> = {
  '/plain': `<title>Plain</title>${COUNTER}`,
  '/link-a': `<title>A</title><a href="/link-b">next</a>`,
  '/link-b': `<title>B</title><a href="/link-a">next</a>`,
  '/clock': `<title>Clock</title><p id="clock">0</p><script>setInterval(() => { clock.textContent = String(Date.now()); }, 1000);</script>${COUNTER}`,
  '/polling': `<title>Polling</title><p id="tick">0</p><script>(function tick() { document.getElementById('tick').textContent = String(Date.now()); setTimeout(tick, 100); })();</script>${COUNTER}`,
  '/render-later': `<title>Render later</title><button onclick="setTimeout(() => { out.textContent = 'clicked ' + (++window.n || (window.n = 1)); }, 50)">go</button><p id="out">idle</p>`,
  '/autocomplete': `<title>Autocomplete</title><label>Fruit <input id="q" oninput="clearTimeout(window.t); window.t = setTimeout(() => { sugg.innerHTML = ['apple', 'banana'].filter((f) => f.startsWith(q.value)).map((f) => '<li>' + f + '</li>').join(''); }, 300)"></label><ul id="sugg"></ul>`,
};

class BenchSite implements SiteApp {
  readonly host = 'bench.test';
  handle(request: SiteRequest): SiteResponse {
    return { html: PAGES[request.path] ?? '<title>Not found</title>' };
  }
}

/** One kind of step: what it does on the i-th repetition and the text its observation should show. */
interface Case {
  label: string;
  path: string;
  step(driver: PageDriver, i: number): Promise<unknown>;
  shows(i: number): string;
}

const byName = (driver: PageDriver, role: string, name: string) => driver.snapshot.nodes.find((n) => n.role === role && n.name.startsWith(name))!.id;
const clickGo = (driver: PageDriver) => driver.click(byName(driver, 'button', 'go'));

const CASES: Case[] = [
  { label: 'click, page reacts at once', path: '/plain', step: clickGo, shows: (i) => `clicked ${i + 1}` },
  { label: 'click on a link (new document)', path: '/link-a', step: (d) => d.click(byName(d, 'link', 'next')), shows: (i) => (i % 2 === 0 ? 'B' : 'A') },
  { label: 'click, page has a 1 s setInterval clock', path: '/clock', step: clickGo, shows: (i) => `clicked ${i + 1}` },
  { label: 'click, page polls with setTimeout every 100 ms', path: '/polling', step: clickGo, shows: (i) => `clicked ${i + 1}` },
  { label: 'click, page renders 50 ms later (setTimeout)', path: '/render-later', step: clickGo, shows: (i) => `clicked ${i + 1}` },
  {
    label: 'fill, suggestions 300 ms after typing',
    path: '/autocomplete',
    step: (d, i) => d.fill(byName(d, 'textbox', 'Fruit'), i % 2 === 0 ? 'ap' : 'ba'),
    shows: (i) => (i % 2 === 0 ? 'apple' : 'banana'),
  },
];

interface Sample {
  times: number[];
  shown: number;
}

async function openDriver(host: BrowserHost, site: SiteServer, settle: SettleOptions, path: string): Promise<{ context: BrowserContext; driver: PageDriver }> {
  const context = await host.newContext(site.proxy);
  const driver = await PageDriver.create(await context.newPage(), settle);
  await driver.goto(`http://bench.test${path}`);
  await driver.observe();
  return { context, driver };
}

/** Runs the case's steps with both settles, alternating step by step so load hits both alike. */
async function runCase(host: BrowserHost, site: SiteServer, c: Case): Promise<[Sample, Sample]> {
  const modes = [await openDriver(host, site, NEW, c.path), await openDriver(host, site, OLD, c.path)];
  const samples: [Sample, Sample] = [
    { times: [], shown: 0 },
    { times: [], shown: 0 },
  ];
  for (let i = 0; i < STEPS; i++) {
    for (const [m, { driver }] of modes.entries()) {
      const t = performance.now();
      await c.step(driver, i);
      const text = (await driver.observe()).text;
      samples[m]!.times.push(performance.now() - t);
      if (text.includes(c.shows(i))) samples[m]!.shown++;
    }
  }
  for (const { context } of modes) await context.close();
  return samples;
}

/** The env's own families, through BrowserEnv (step = click + settle + observation, as the env reports it). */
async function familySteps(env: BrowserEnv, family: string, target: (text: string, i: number) => number): Promise<number[]> {
  const session = await env.reset({ family, seed: 1, split: 'train', options: {} }, new AbortController().signal);
  const times: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const outcome = await session.step({ id: 's', name: 'click', arguments: { id: target(session.observation.text ?? '', i) } }, new AbortController().signal);
    times.push((outcome.info as { timings: { total_ms: number } }).timings.total_ms);
  }
  await session.close();
  return times;
}

const idIn = (text: string, pattern: RegExp) => Number(text.match(pattern)![1]);
const FAMILIES = [
  {
    label: 'booking-reserve: open the date picker / pick a day',
    family: 'browser/booking-reserve',
    target: (text: string, i: number) => (i % 2 === 0 ? idIn(text, /\[(\d+)\] button "Pick a date"/) : idIn(text, /\[(\d+)\] button "\w+ \d{1,2}, \d{4}"/)),
  },
  {
    label: 'shop-buy-cheapest: "All products" / "Home" links',
    family: 'browser/shop-buy-cheapest',
    target: (text: string, i: number) => idIn(text, new RegExp(`\\[(\\d+)\\] link "${i % 2 === 0 ? 'All products' : 'Home'}"`)),
  },
];

const p50 = (xs: number[]) => percentile(xs, 50);
const ratio = (a: number[], b: number[]) => `${(p50(a) / p50(b)).toFixed(2)}x`;

const host = new BrowserHost();
const site = await SiteServer.start([new BenchSite()]);
await runCase(host, site, CASES[0]!); // warm-up: Chromium starts, code paths are compiled
const rows = [['step (action + settle + observation)', 'new p50 / p95', 'old p50 / p95', 'new / old (p50)', 'update shown: new', 'old']];
for (const c of CASES) {
  const [now, before] = await runCase(host, site, c);
  rows.push([
    c.label,
    `${ms(p50(now.times))} / ${ms(percentile(now.times, 95))}`,
    `${ms(p50(before.times))} / ${ms(percentile(before.times, 95))}`,
    ratio(now.times, before.times),
    `${now.shown}/${STEPS}`,
    `${before.shown}/${STEPS}`,
  ]);
}
await host.close();
await site.close();

const envs = [new BrowserEnv({ settle: NEW }), new BrowserEnv({ settle: OLD })] as const;
const familyRows = [['family step (click)', 'new p50 / p95', 'old p50 / p95', 'new / old (p50)']];
for (const f of FAMILIES) {
  const [now, before] = [await familySteps(envs[0], f.family, f.target), await familySteps(envs[1], f.family, f.target)];
  familyRows.push([f.label, `${ms(p50(now))} / ${ms(percentile(now, 95))}`, `${ms(p50(before))} / ${ms(percentile(before, 95))}`, ratio(now, before)]);
}
for (const env of envs) await env.close();

printTable(`Settle with short timers (new, the default) against DOM + network only (old), ${STEPS} steps each`, rows);
printTable('The env families, same comparison', familyRows);

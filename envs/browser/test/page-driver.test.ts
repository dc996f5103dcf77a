import { setTimeout as delay } from 'node:timers/promises';
import { ActionError } from '@workgym/protocol';
import type { BrowserContext } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserHost } from '../src/browser/browser-host.js';
import { DEFAULT_SETTLE, PageDriver, type SettleOptions } from '../src/browser/page-driver.js';
import type { SiteApp, SiteRequest, SiteResponse } from '../src/sites/site-app.js';
import { SiteServer } from '../src/sites/site-server.js';

// Pages that keep changing after the action in the ways real apps do; each step must observe
// the page only once it has finished reacting.
const PAGES: Record<string, string> = {
  '/': `<title>Start</title><a href="/rendered-on-load">rendered on load</a><a href="/no-content">no content</a>`,
  // The page goes idle between the links of the chain; only the quiet window covers them.
  '/chain': `<title>Chain</title><script>
    function chain(n) { if (n === 0) return requestAnimationFrame(() => Promise.resolve().then(() => { out.textContent = 'chain finished'; })); setTimeout(() => chain(n - 1), 60); }
  </script><button onclick="chain(3)">go</button><p id="out">idle</p>`,
  '/fetch': `<title>Fetch</title><button onclick="fetch('/slow-data').then((r) => r.text()).then((t) => { out.textContent = t; })">load</button><p id="out">nothing yet</p>`,
  '/rendered-on-load': `<title>Loaded</title><p id="out">skeleton</p><script>addEventListener('load', () => setTimeout(() => { out.textContent = 'rendered by script'; }, 100));</script>`,
  '/busy': `<title>Busy</title><button onclick="setInterval(() => { out.textContent = String(Math.random()); }, 5)">spin</button><p id="out">still</p>`,
  '/hidden': `<title>Hidden</title><button style="opacity: 0">ghost</button><button onclick="target.style.display = 'none'">hide the target</button><button id="target">target</button>`,
  // jQuery UI autocomplete's way: each keystroke restarts a 300 ms timer, then the list renders.
  '/suggest': `<title>Suggest</title><label>Fruit <input id="q" oninput="clearTimeout(window.t); window.t = setTimeout(() => { sugg.innerHTML = ['apple', 'apricot'].filter((f) => f.startsWith(q.value)).map((f) => '<li>' + f + '</li>').join(''); }, 300)"></label><ul id="sugg"></ul>`,
  // A debounce, then a request, then the render.
  '/suggest-remote': `<title>Remote</title><label>City <input id="q" oninput="clearTimeout(window.t); window.t = setTimeout(() => fetch('/slow-data').then((r) => r.text()).then((t) => { out.textContent = t; }), 250)"></label><p id="out">none</p>`,
  '/ticking': `<title>Ticking</title><p id="clock">0</p><script>setInterval(() => { clock.textContent = String(Number(clock.textContent) + 1); }, 1000);</script><button onclick="setTimeout(() => { out.textContent = 'done'; })">go</button><p id="out">idle</p>`,
  '/polling': `<title>Polling</title><p id="tick">0</p><script>(function tick() { document.getElementById('tick').textContent = String(Date.now()); setTimeout(tick, 100); })();</script><button onclick="out.textContent = 'clicked'">go</button><p id="out">idle</p>`,
  '/slow-timer': `<title>Slow timer</title><button onclick="setTimeout(() => { out.textContent = 'late'; }, 3000)">go</button><p id="out">idle</p>`,
  // A link wrapped over two lines: its box's centre is between the lines, past the link's end on the second.
  '/wrapped': `<title>Wrapped</title><p style="width: 20ch; font: 16px/1.5 monospace">Some words here: <a href="/rendered-on-load">go on</a> and the rest of it.</p>`,
  '/form': `<title>Form</title><form method="post" action="/submit"><input name="q" aria-label="Query"><button>send</button></form>`,
};

class SettleSite implements SiteApp {
  readonly host = 'settle.test';
  async handle(request: SiteRequest): Promise<SiteResponse> {
    if (request.path === '/slow-data') return delay(150).then(() => ({ body: 'data arrived', contentType: 'text/plain' }));
    if (request.path === '/hang') return new Promise<never>(() => undefined);
    if (request.path === '/no-content') return { status: 204, body: '', contentType: 'text/plain' };
    if (request.path === '/submit') return { redirect: `/result?q=${encodeURIComponent(request.form.get('q') ?? '')}` };
    if (request.path === '/result') return { html: `<title>Result</title><p>you sent ${request.query.get('q')}</p>` };
    return { html: PAGES[request.path] ?? '<title>Not found</title>' };
  }
}

/** A window wide enough that the pages' timers (60-100 ms) fall inside it even on a loaded machine. */
const WIDE: SettleOptions = { capMs: 5_000, quietMs: 250 };

let host: BrowserHost;
let site: SiteServer;
let context: BrowserContext | undefined;

beforeAll(async () => {
  host = new BrowserHost();
  site = await SiteServer.start([new SettleSite()]);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await host?.close();
  await site?.close();
});

async function open(path: string, settle?: SettleOptions): Promise<PageDriver> {
  context = await host.newContext(site.proxy);
  const driver = await PageDriver.create(await context.newPage(), settle);
  await driver.goto(`http://settle.test${path}`);
  await driver.observe();
  return driver;
}

function idOf(driver: PageDriver, role: string, name: string): number {
  const node = driver.snapshot.nodes.find((n) => n.role === role && n.name === name);
  if (!node) throw new Error(`no ${role} ${name} in\n${driver.snapshot.text}`);
  return node.id;
}

describe('a step observes the page once it has finished reacting', () => {
  it('waits out chains of timers and promises the action queued', async () => {
    const driver = await open('/chain', WIDE);
    const timings = await driver.click(idOf(driver, 'button', 'go'));
    expect((await driver.observe()).text).toContain('chain finished');
    expect(timings.settle_capped).toBe(false);
  });

  it('waits for requests the page started and what it renders from them', async () => {
    const driver = await open('/fetch');
    const timings = await driver.click(idOf(driver, 'button', 'load'));
    expect((await driver.observe()).text).toContain('data arrived');
    expect(timings.network_ms).toBeGreaterThan(0);
  });

  it('follows a navigation the click started, into what the new page renders by script', async () => {
    const driver = await open('/', WIDE);
    await driver.click(idOf(driver, 'link', 'rendered on load'));
    const snapshot = await driver.observe();
    expect(driver.url()).toBe('http://settle.test/rendered-on-load');
    expect(snapshot.title).toBe('Loaded');
    expect(snapshot.text).toContain('rendered by script');
  });

  it('clicks a link wrapped over two lines on the link, not between its lines', async () => {
    const driver = await open('/wrapped', WIDE);
    await driver.click(idOf(driver, 'link', 'go on'));
    expect(driver.url()).toBe('http://settle.test/rendered-on-load');
  });

  it('follows a form post through its redirect', async () => {
    const driver = await open('/form');
    await driver.fill(idOf(driver, 'textbox', 'Query'), 'blue socks');
    await driver.click(idOf(driver, 'button', 'send'));
    expect((await driver.observe()).text).toContain('you sent blue socks');
  });

  it('stays on the page when a link answers 204 No Content, without waiting for the cap', async () => {
    const driver = await open('/');
    const timings = await driver.click(idOf(driver, 'link', 'no content'));
    expect(driver.url()).toBe('http://settle.test/');
    expect(timings.settle_capped).toBe(false);
  });

  it('waits for a short timer the action set: suggestions 300 ms after typing show in that step', async () => {
    const driver = await open('/suggest');
    const timings = await driver.fill(idOf(driver, 'textbox', 'Fruit'), 'ap');
    const text = (await driver.observe()).text;
    expect(text).toContain('apple');
    expect(text).toContain('apricot');
    expect(timings.settle_capped).toBe(false);
  });

  it('follows a debounce into the request it sends and what renders from it', async () => {
    const driver = await open('/suggest-remote');
    await driver.fill(idOf(driver, 'textbox', 'City'), 'par');
    expect((await driver.observe()).text).toContain('data arrived');
  });

  it('does not wait for a 1 s setInterval clock, a polling loop begun before the action, or a long timer', async () => {
    // Each cap is far below what waiting for the page's timers would take, so a wait would show as capped.
    for (const [path, shows] of [
      ['/ticking', 'done'],
      ['/polling', 'clicked'],
      ['/slow-timer', 'idle'],
    ] as const) {
      const driver = await open(path, { capMs: 2_000, quietMs: 25 });
      const timings = await driver.click(idOf(driver, 'button', 'go'));
      expect([path, timings.settle_capped]).toEqual([path, false]);
      expect((await driver.observe()).text).toContain(shows);
      await context?.close();
      context = undefined;
    }
  });

  it('follows a timer loop a page load starts for a few links only', async () => {
    // Following the 100 ms loop for good would take the load to the cap, far above the five links.
    context = await host.newContext(site.proxy);
    const driver = await PageDriver.create(await context.newPage(), { capMs: 3_000, quietMs: 25 });
    const timings = await driver.goto('http://settle.test/polling');
    expect(timings.settle_capped).toBe(false);
  });

  it('stops at the cap on a page that never stops changing, and says so', async () => {
    // The window is far wider than the page's 5 ms interval, so a timer delayed on a loaded machine is not a quiet spell.
    const driver = await open('/busy', { capMs: 600, quietMs: 200 });
    const timings = await driver.click(idOf(driver, 'button', 'spin'));
    expect(timings.settle_capped).toBe(true);
    expect((await driver.observe()).text).not.toContain('still');
  });
});

describe('actions that cannot be done fail with a kind', () => {
  async function failure(action: Promise<unknown>): Promise<string> {
    const error = await action.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActionError);
    return (error as ActionError).kind;
  }

  it('not_visible: a transparent element, and one hidden after the observation was taken', async () => {
    const driver = await open('/hidden');
    expect(await failure(driver.click(idOf(driver, 'button', 'ghost')))).toBe('not_visible');
    const target = idOf(driver, 'button', 'target');
    await driver.click(idOf(driver, 'button', 'hide the target'));
    expect(await failure(driver.click(target))).toBe('not_visible');
  });

  it('timeout: a page that never answers', async () => {
    const driver = await open('/', { ...DEFAULT_SETTLE, actionTimeoutMs: 3_000 });
    expect(await failure(driver.goto('http://settle.test/hang'))).toBe('timeout');
  });
});

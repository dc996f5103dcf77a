import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '@workgym/trajectories';
import { startViewer, writeBundle, type Viewer } from '../src/index.js';
import { go, inPage, launchChromium, shopScreenshot, until, waitForText, watchedPage } from './app-browser.js';
import { record, type EpisodeSpec, type StepSpec } from './app-runs.js';

// Everything in a run was written by agents and web pages. Each payload, if it ever ran as
// markup or script, would set window.pwned, open a dialog or fetch evil.example, all of which
// the test watches in real Chromium, on the server and in a bundle opened from disk.
const PAYLOADS = [
  '<script>window.pwned = 1</script>',
  '<img src=x onerror="window.pwned = 2">',
  'javascript:window.pwned = 3',
  '</script><script>window.pwned = 4</script>',
  '"><svg onload="window.pwned = 5"></svg>',
  '<img src="http://evil.example/beacon.png">',
  '<a href="javascript:alert(6)">click</a>',
  '<style>body { background: url(http://evil.example/css.png) }</style>',
  '<iframe src="http://evil.example/frame"></iframe>',
  '{{constructor.constructor("window.pwned = 7")()}}',
  'line\u2028separator\u2029and \u0000 nul',
];
const HOSTILE = PAYLOADS.join(' ');
const MEGABYTE = `${HOSTILE} ${'A'.repeat(1 << 20)}`;
const LONG_EPISODE_STEPS = 10_000;

function hostileStep(i: number): StepSpec {
  const payload = PAYLOADS[i % PAYLOADS.length]!;
  return {
    observation: `${payload} [${i}] button "${payload}"`,
    text: payload,
    candidates: [{ name: payload, args: { href: payload } }],
    call: { name: payload, args: { url: 'javascript:window.pwned = 8', html: payload } },
    result: payload,
    people: [{ who: payload, name: payload, channel: payload, text: payload }],
  };
}

function hostileEpisodes(screenshot: string): EpisodeSpec[] {
  const changes = PAYLOADS.map((payload, i) => ({ key: `file:${payload}${i}`, before: payload, after: `${payload}\n${payload}` }));
  return [
    {
      episodeId: 'hostile-code',
      env: 'code',
      family: `code/${HOSTILE}`,
      seed: 1,
      success: false,
      instruction: MEGABYTE,
      verdictDetail: HOSTILE,
      steps: [{ ...hostileStep(0), images: [screenshot] }, hostileStep(1), hostileStep(2)],
      stateChanges: changes,
    },
    {
      episodeId: 'hostile-sheet',
      env: 'spreadsheet',
      family: `spreadsheet/${HOSTILE}`,
      seed: 2,
      success: true,
      instruction: HOSTILE,
      verdictDetail: HOSTILE,
      stateChanges: PAYLOADS.map((payload, i) => ({ key: `cell:${payload}!A${i + 1}`, before: payload, after: payload })),
    },
    {
      episodeId: 'hostile-browser',
      env: 'browser',
      family: `browser/${HOSTILE}`,
      seed: 3,
      success: false,
      instruction: HOSTILE,
      steps: Array.from({ length: LONG_EPISODE_STEPS }, (_, i) => hostileStep(i)),
      stateChanges: PAYLOADS.map((payload) => ({ key: `site:${payload}`, before: payload, after: payload })),
    },
  ];
}

async function writeHostileRun(dir: string, png: Uint8Array): Promise<void> {
  const writer = await createRun(dir, { spec: { agent: HOSTILE, model: HOSTILE } });
  const screenshot = await writer.putBlob(png);
  for (const spec of hostileEpisodes(screenshot)) {
    const episode = record(spec);
    episode.job = HOSTILE;
    episode.agent = { kind: HOSTILE, model: HOSTILE, contextPolicy: HOSTILE, systemPrompt: HOSTILE };
    episode.rewardComponents = { [HOSTILE]: 1, ['__proto__']: 0.5 };
    episode.errorMessage = HOSTILE;
    await writer.append(episode);
  }
  await writer.finalize();
  await writer.close();
}

describe('a hostile run in the viewer app', () => {
  let dir: string;
  let browser: Browser;
  let viewer: Viewer;
  let runDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'viewer-hostile-'));
    browser = await launchChromium();
    // The run's folder name is shown too.
    runDir = join(dir, 'run <img src=x onerror="window.pwned = 9">');
    await writeHostileRun(runDir, await shopScreenshot(browser));
    viewer = await startViewer({ sources: [runDir] });
  });

  afterAll(async () => {
    await viewer?.close();
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs nothing and still works when served', async () => {
    await exercise(browser, viewer.url);
  });

  it('runs nothing and still works as a bundle opened from disk', async () => {
    const out = join(dir, 'bundle');
    await writeBundle({ sources: [runDir], out });
    await exercise(browser, pathToFileURL(join(out, 'index.html')).href);
  });
});

/** Every page of the hostile run: overview, list, filter, each episode, steps by keyboard; then nothing ran. */
async function exercise(browser: Browser, base: string): Promise<void> {
  const watch = await watchedPage(browser);
  const { page } = watch;
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${base}#/run/r0`);
  await waitForText(page, 'Success by family');
  await expectShownAsText(page, '<script>window.pwned = 1</script>');

  await go(page, '#/run/r0/episodes');
  await waitForText(page, '3 episodes match');
  await page.type('#filter-text', 'evil.example/frame');
  await waitForText(page, 'episodes match;');
  await page.select('#filter-success', 'yes');
  await waitForText(page, '1 episode matches');
  await page.click('table.episodes tbody a');
  await waitForText(page, 'Cells that changed');
  await expectShownAsText(page, '<img src=x onerror="window.pwned = 2">');

  await go(page, '#/run/r0/episode/hostile-code');
  await waitForText(page, 'Show all 1,049');
  await page.click('main button');
  await waitForText(page, 'A'.repeat(1000));
  await expectShownAsText(page, '<a href="javascript:alert(6)">click</a>');
  // Screenshots load lazily: bring the first one into view.
  await inPage(page, "document.querySelector('#step-0 img').scrollIntoView()");
  await until(page, '[...document.images].some((img) => img.complete && img.naturalWidth > 0)');

  await go(page, '#/run/r0/episode/hostile-browser');
  await waitForText(page, `Steps 0–99 of ${LONG_EPISODE_STEPS.toLocaleString('en')}`);
  expect(await page.$$eval('section.step', (steps) => steps.length)).toBe(100);
  await page.keyboard.press('j');
  await until(page, "document.activeElement?.id === 'step-0'");
  await go(page, '#/run/r0/episode/hostile-browser/step/9999');
  await until(page, "document.activeElement?.id === 'step-9999'");
  await page.keyboard.press('k');
  await until(page, "document.activeElement?.id === 'step-9998'");

  // A crafted link to a source that does not exist says so, as text.
  await go(page, `#/run/${encodeURIComponent('<img src=x onerror="window.pwned = 10">')}`);
  await waitForText(page, 'Could not load the run');

  expect(await inPage(page, 'window.pwned')).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(watch.outside).toEqual([]);
  expect(watch.violations).toEqual([]);
  expect(watch.errors).toEqual([]);
  await page.close();
}

/** The payload is on the page as text, and no element it names was made from it. */
async function expectShownAsText(page: Page, payload: string): Promise<void> {
  expect(await page.$eval('main', (main) => main.textContent)).toContain(payload);
  const made = await page.$$eval('main script, main iframe, main svg, main style, main img[src="x"], main a[href^="javascript"]', (nodes) => nodes.length);
  expect(made).toBe(0);
}

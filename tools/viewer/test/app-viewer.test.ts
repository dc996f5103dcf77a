import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunWriter } from '@workgym/trajectories';
import { startViewer, writeBundle, type Viewer } from '../src/index.js';
import { docScreenshot, go, IMAGES_LOADED, inPage, launchChromium, shopScreenshot, until, waitForText, watchedPage, type Watch } from './app-browser.js';
import { record, runEpisodes, writeRun, writeTrainingFolder } from './app-runs.js';

// The viewer's app in real Chromium, against the real server (and a bundle opened from disk):
// one browser for the file, one page per test, every request and CSP violation watched.
describe('the viewer app in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let viewer: Viewer;
  let live: RunWriter;
  let png: Uint8Array;
  let watch: Watch;
  const paths: Record<'runA' | 'runB' | 'training' | 'live', string> = { runA: '', runB: '', training: '', live: '' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'viewer-app-'));
    browser = await launchChromium();
    png = await shopScreenshot(browser);
    paths.runA = join(dir, 'baseline');
    paths.runB = join(dir, 'candidate');
    paths.training = join(dir, 'training');
    paths.live = join(dir, 'live');
    await writeRun(paths.runA, (shot) => runEpisodes(shot), png);
    await writeRun(paths.runB, (shot) => runEpisodes(shot, true), png);
    await writeTrainingFolder(paths.training);
    live = await writeRun(paths.live, (shot) => runEpisodes(shot).slice(0, 3), png, true);
    viewer = await startViewer({ sources: [paths.runA, paths.runB, paths.training, paths.live] });
  });

  afterAll(async () => {
    await viewer?.close();
    await live?.close();
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    watch = await watchedPage(browser);
  });

  afterEach(() => {
    // Nothing leaves the machine, the CSP refuses nothing the app does, no script error.
    expect(watch.outside).toEqual([]);
    expect(watch.violations).toEqual([]);
    expect(watch.errors).toEqual([]);
  });

  const text = () => watch.page.$eval('main', (main) => main.textContent ?? '');

  it('shows a run overview: success with intervals, statuses, distributions and calibration as charts', async () => {
    await watch.page.goto(`${viewer.url}#/run/r0`);
    await waitForText(watch.page, 'Success by family');
    // Durations and calibration come from the server's background scan: the page fills them in as it polls.
    await waitForText(watch.page, 'Calibration');
    const main = await text();
    for (const wanted of [
      'browser/shop-buy-cheapest',
      'code/fix-bug',
      'infra_error',
      'people_error',
      'Steps per episode',
      'Calibration',
      'qwen3-8b',
      '95% interval',
    ])
      expect(main).toContain(wanted);
    // Chart.js drew on its canvases (a blank canvas has no non-transparent pixel).
    const drawn = await inPage<boolean[]>(
      watch.page,
      `[...document.querySelectorAll('canvas')].map((c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0))`,
    );
    expect(drawn.length).toBeGreaterThanOrEqual(4);
    expect(drawn.every(Boolean)).toBe(true);
    await docScreenshot(watch.page, 'overview');
  });

  it('filters the episode list, keeps the filters in the URL, and pages', async () => {
    await go(watch.page, '#/run/r0/episodes');
    await waitForText(watch.page, '30 episodes match');
    await watch.page.select('#filter-family', 'code/fix-bug');
    await waitForText(watch.page, '10 episodes match');
    expect(await inPage(watch.page, 'location.hash')).toBe('#/run/r0/episodes?family=code%2Ffix-bug');
    const families = await watch.page.$$eval('table.episodes tbody tr td:nth-child(3)', (cells) => cells.map((cell) => cell.textContent));
    expect(families).toEqual(Array(10).fill('code/fix-bug'));
    await docScreenshot(watch.page, 'episodes');
    await watch.page.select('#filter-success', 'no');
    await waitForText(watch.page, '5 episodes match');

    await watch.page.goto(`${viewer.url}#/run/r0/episodes?text=KETTLE`);
    await waitForText(watch.page, '1 episode matches');
    expect(await watch.page.$eval('#filter-text', (input) => (input as unknown as { value: string }).value)).toBe('KETTLE');
    await watch.page.click('#filter-text', { count: 3 });
    await watch.page.keyboard.type('seed 4');
    await waitForText(watch.page, '3 episodes match');

    await go(watch.page, '#/run/r0/episodes?limit=20&sort=seed&order=desc');
    await waitForText(watch.page, 'showing 1–20');
    await watch.page.click('nav[aria-label="Pages of episodes"] a');
    await waitForText(watch.page, 'showing 21–30');
  });

  it('opens a browser episode: screenshots beside the page text, candidates with the chosen one, people, the verdict', async () => {
    await go(watch.page, '#/run/r0/episode/browser-shop-1');
    await waitForText(watch.page, 'Buy the cheapest kettle');
    await until(watch.page, `document.images.length === 2 && ${IMAGES_LOADED}`);
    const [image, pageText] = await Promise.all([
      watch.page.$eval('#step-0 .images img', (img) => img.getBoundingClientRect().toJSON() as { left: number; right: number; width: number }),
      watch.page.$eval('#step-0 .observation-text', (pre) => pre.getBoundingClientRect().toJSON() as { left: number; right: number; width: number }),
    ]);
    expect(pageText.left).toBeGreaterThanOrEqual(image.right);
    expect(image.width).toBeGreaterThan(100);
    const main = await text();
    for (const wanted of [
      'Add kettle to cart',
      'Ship it to the office.',
      'Dana Kim',
      'order 17 holds the cheapest kettle',
      'site:shop/orders/17',
      'duration3.1 s',
      '"price":19.5',
    ])
      expect(main).toContain(wanted);
    expect(await watch.page.$eval('#step-0 .raw-output', (details) => details.textContent)).toContain('<tool_call>{"name":"click"');
    const chosen = await watch.page.$$eval('#step-0 .candidates li.chosen', (items) => items.map((item) => item.textContent));
    expect(chosen).toHaveLength(1);
    expect(chosen[0]).toContain('"id": 12');
    await docScreenshot(watch.page, 'episode-browser', '#step-0');

    // Keyboard: j/k between steps (each has its link and takes focus), n/p between episodes.
    await watch.page.keyboard.press('j');
    await until(watch.page, "location.hash.endsWith('/step/0') && document.activeElement?.id === 'step-0'");
    await watch.page.keyboard.press('j');
    await until(watch.page, "location.hash.endsWith('/step/1') && document.activeElement?.id === 'step-1'");
    await watch.page.keyboard.press('k');
    await until(watch.page, "location.hash.endsWith('/step/0')");
    expect(await watch.page.$eval('#step-1 h3 a', (a) => a.getAttribute('href'))).toBe('#/run/r0/episode/browser-shop-1/step/1');
    await watch.page.keyboard.press('n');
    await waitForText(watch.page, 'Episode code-fix-1');
    await watch.page.keyboard.press('p');
    await waitForText(watch.page, 'Episode browser-shop-1');
  });

  it('opens a code episode with its diff against the start', async () => {
    await go(watch.page, '#/run/r0/episode/code-fix-1');
    await waitForText(watch.page, 'src/calc.py');
    expect(await watch.page.$$eval('.diff-add', (lines) => lines.map((line) => line.textContent?.trim()))).toContain('+    return a + b');
    expect(await watch.page.$$eval('.diff-del', (lines) => lines.map((line) => line.textContent?.trim()))).toContain('-    return a - b');
    expect(await text()).toMatch(/NOTES\.md\s*added/);
    await docScreenshot(watch.page, 'episode-code', '#env-title');
  });

  it('opens a spreadsheet episode with its changed cells before and after', async () => {
    await go(watch.page, '#/run/r0/episode/sheet-sum-1');
    await waitForText(watch.page, 'Cells that changed');
    const row = await watch.page.$eval('table.cells tbody tr', (tr) => [...tr.children].map((cell) => cell.textContent));
    expect(row).toEqual(['Summary', 'B2', 'value0', 'formula=SUM(Data!B2:B9)value1200']);
    await docScreenshot(watch.page, 'episode-spreadsheet', '#verdict-title');
  });

  it('compares two runs per family with the difference, and links the episodes where they disagree', async () => {
    await go(watch.page, '#/compare/r0,r1');
    await waitForText(watch.page, 'Where they disagree');
    const rows = await watch.page.$$eval('table.compare-table tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows).toHaveLength(4);
    expect(rows.join('\n')).toMatch(/pt \(/);
    const link = await watch.page.$eval('section[aria-labelledby="disagree-title"] a', (a) => a.getAttribute('href'));
    expect(link).toMatch(/^#\/run\/r[01]\/episode\//);
    await docScreenshot(watch.page, 'compare');
    await watch.page.click('section[aria-labelledby="disagree-title"] a');
    await waitForText(watch.page, 'Instruction');
  });

  it("shows a training folder's curves as charts and the transfer matrix as a heatmap", async () => {
    await go(watch.page, '#/training/r2');
    await waitForText(watch.page, 'Transfer matrix');
    expect(await watch.page.$$eval('canvas', (c) => c.length)).toBe(2);
    const heat = await inPage<[string, string][]>(
      watch.page,
      `[...document.querySelectorAll('table.heatmap td.heat')].map((td) => [td.textContent, getComputedStyle(td).backgroundColor])`,
    );
    expect(heat).toHaveLength(6);
    expect(heat[5]![0]).toContain('80.0%');
    expect(new Set(heat.map(([, colour]) => colour)).size).toBeGreaterThan(3);
    expect(heat[2]![0]).toMatch(/Δ \+60\.0 pt \(\+42\.0 pt to \+78\.0 pt; p 0\.001\)/);
    // comparison.json's rows, a rate with its interval and the paired difference in columns of their own.
    const evalTable = await watch.page.$eval('table.eval', (table) => table.textContent ?? '');
    expect(evalTable).toContain('comparison.b');
    expect(evalTable).toContain('73.3% (');
    expect(evalTable).toContain('comparison.mcnemarP');
    await docScreenshot(watch.page, 'training');
    await docScreenshot(watch.page, 'transfer', '#eval-title');
  });

  it('shows new episodes of a run being written without a reload', async () => {
    await go(watch.page, '#/run/r3/episodes');
    await waitForText(watch.page, '3 episodes match');
    await inPage(watch.page, 'window.stayed = true');
    for (const spec of runEpisodes('').slice(3, 8)) await live.append(record(spec));
    await live.flush();
    await waitForText(watch.page, '8 episodes match');
    expect(await inPage(watch.page, 'window.stayed')).toBe(true);
  });

  it('opens a bundle from disk (file://) with no server', async () => {
    const out = join(dir, 'bundle');
    await writeBundle({ sources: [paths.runA, paths.runB], out });
    const index = pathToFileURL(join(out, 'index.html')).href;
    await watch.page.goto(`${index}#/run/r0`);
    await waitForText(watch.page, 'Success by family');
    await go(watch.page, '#/run/r0/episodes');
    await waitForText(watch.page, '30 episodes match');
    await watch.page.select('#filter-family', 'browser/shop-buy-cheapest');
    await waitForText(watch.page, '10 episodes match');
    await watch.page.click('table.episodes tbody tr a');
    await waitForText(watch.page, 'Buy the cheapest kettle');
    await until(watch.page, IMAGES_LOADED);
    await watch.page.keyboard.press('n');
    await waitForText(watch.page, 'Episode browser-2');
    await go(watch.page, '#/compare/r0,r1');
    await waitForText(watch.page, 'Where they disagree');
  });
});

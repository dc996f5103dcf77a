import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.WORKGYM_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A real PNG: Chromium's screenshot of a small shop page. */
export async function shopScreenshot(browser: Browser): Promise<Uint8Array> {
  const page = await browser.newPage();
  await page.setViewport({ width: 480, height: 240 });
  await page.setContent('<h1>Kettle shop</h1><button>Add kettle to cart</button> <button>Add toaster to cart</button>');
  const png = await page.screenshot({ type: 'png' });
  await page.close();
  return png;
}

/** What a page did that the tests forbid: requests leaving the machine, CSP violations, errors, payloads that ran. */
export interface Watch {
  page: Page;
  outside: string[];
  violations: string[];
  errors: string[];
}

/** A page whose requests, CSP violations and errors are recorded (the listener is installed before any page script). */
export async function watchedPage(browser: Browser): Promise<Watch> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const watch: Watch = { page, outside: [], violations: [], errors: [] };
  page.on('request', (request) => {
    const url = request.url();
    if (!/^(http:\/\/127\.0\.0\.1[:/]|file:|data:|blob:)/.test(url)) watch.outside.push(url);
  });
  page.on('pageerror', (error) => watch.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) watch.errors.push(message.text());
  });
  await page.exposeFunction('__reportViolation', (line: string) => void watch.violations.push(line));
  await page.evaluateOnNewDocument(
    "document.addEventListener('securitypolicyviolation', (e) => window.__reportViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber))",
  );
  return watch;
}

// Code that runs in the page is written as expressions: the tests' type check has Node's globals, not the DOM's.

/** Waits until an expression is true in the page. */
export async function until(page: Page, expression: string): Promise<void> {
  await page.waitForFunction(expression, { timeout: 15_000 });
}

/** The value of an expression in the page. */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** Waits for text to appear in the page's main landmark. */
export async function waitForText(page: Page, text: string): Promise<void> {
  try {
    await until(page, `document.querySelector('main')?.textContent?.includes(${JSON.stringify(text)}) ?? false`);
  } catch {
    const shown = await inPage<string>(page, "document.querySelector('main')?.textContent ?? ''");
    throw new Error(`the page does not show ${JSON.stringify(text.slice(0, 80))}; it shows: ${shown.slice(0, 400)}`);
  }
}

export async function go(page: Page, hash: string): Promise<void> {
  await inPage(page, `location.hash = ${JSON.stringify(hash)}`);
}

/** Every image of the page has loaded and has pixels. */
export const IMAGES_LOADED = '[...document.images].length > 0 && [...document.images].every((img) => img.complete && img.naturalWidth > 0)';

/** Saves a screenshot for docs/viewer.md when WORKGYM_VIEWER_SCREENSHOTS names a folder (see docs/viewer.md). */
export async function docScreenshot(page: Page, name: string, scrollTo?: string): Promise<void> {
  const dir = process.env.WORKGYM_VIEWER_SCREENSHOTS;
  if (!dir) return;
  if (scrollTo) await inPage(page, `document.querySelector(${JSON.stringify(scrollTo)}).scrollIntoView()`);
  await page.screenshot({ path: join(dir, `viewer-${name}.png`) as `${string}.png` });
}

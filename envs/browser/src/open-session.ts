import type { BrowserContext } from 'puppeteer-core';
import type { BrowserHost } from './browser/browser-host.js';
import { DEFAULT_SETTLE, PageDriver, type SettleOptions } from './browser/page-driver.js';
import { BrowserSession, type SessionParts } from './session.js';
import { SiteServer } from './sites/site-server.js';

/** What a browser session is opened from: the task and the family's expert names (the env brings the browser). */
export type PageSessionSpec = Omit<SessionParts, 'site' | 'context' | 'driver'>;

/**
 * A session of `spec.instance` on `host`: its site apps on their proxy, a fresh BrowserContext
 * and its page at the start URL. Each resource taken is released if a later one fails, so a
 * failed reset leaks nothing. The browser env and the envs that compose it (workday) open
 * their pages here.
 */
export async function openBrowserSession(
  host: BrowserHost,
  spec: PageSessionSpec,
  signal: AbortSignal,
  settle: SettleOptions = DEFAULT_SETTLE,
): Promise<BrowserSession> {
  const site = await SiteServer.start(spec.instance.sites);
  let context: BrowserContext | undefined;
  try {
    context = await host.newContext(site.proxy, signal);
    const driver = await PageDriver.create(await context.newPage(), settle);
    const session = new BrowserSession({ ...spec, site, context, driver });
    await session.open();
    return session;
  } catch (error) {
    await context?.close().catch(() => undefined);
    await site.close();
    throw error;
  }
}

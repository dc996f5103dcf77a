import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'puppeteer-core';

// Frozen: puppeteer.launch removes the feature flags from the array it is given (it merges them
// into its own), so a second launch from the same array would run without them.
export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  // The container is the sandbox (no network, no capabilities, non-root); Chromium's own
  // namespace sandbox needs privileges the container does not grant.
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-breakpad',
  '--mute-audio',
  '--hide-scrollbars',
  // Typed http:// URLs must not be retried as https:// first: the sites speak http only.
  // PaintHolding, the back/forward cache and a new frame host per document only slow a
  // navigation down for automation (measured: Chromium's click-to-load p50 68 -> 59 ms here).
  // A spare renderer waits for the next page, but pages open in new contexts, which cannot use it.
  '--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,Translate,MediaRouter,PaintHolding,BackForwardCache,RenderDocument,SpareRendererForSitePerProcess',
  // GPU (software compositing only, with --disable-gpu) and network service as threads of the
  // browser process, not two processes of their own: ~20 MiB less per container, same CPU
  // (measured: docs/envs/browser.md).
  '--in-process-gpu',
  '--enable-features=NetworkServiceInProcess2',
  '--window-size=1280,900',
]);

export interface BrowserHostOptions {
  executablePath?: string;
  /**
   * Chromium's command line (default CHROMIUM_ARGS; in a container, WORKGYM_CHROMIUM_ARGS as a
   * JSON array): benchmarks compare other flags against the defaults in the same run.
   */
  args?: readonly string[];
  /** How long a launch or a context creation may take before Chromium counts as hung (ms). */
  launchTimeoutMs?: number;
}

/**
 * The env server's one long-lived Chromium. Episodes get fresh BrowserContexts from it; a
 * Chromium that crashed (disconnected) or hung (a context is not created in time) is killed
 * and replaced on the next request, so one bad episode never takes the server down.
 */
export class BrowserHost implements AsyncDisposable {
  private browser: Browser | undefined;
  private launching: Promise<Browser> | undefined;
  private profileRoot: string | undefined;
  private closed = false;
  /** How many times Chromium was (re)started, for diagnostics and tests. */
  launches = 0;

  constructor(private readonly options: BrowserHostOptions = {}) {}

  get executablePath(): string {
    return this.options.executablePath ?? process.env.WORKGYM_CHROMIUM ?? '/usr/bin/chromium';
  }

  get args(): readonly string[] {
    const fromEnv = process.env.WORKGYM_CHROMIUM_ARGS;
    return this.options.args ?? (fromEnv ? (JSON.parse(fromEnv) as string[]) : CHROMIUM_ARGS);
  }

  /** The running Chromium's main process id, if one runs. */
  get pid(): number | undefined {
    return this.browser?.process()?.pid;
  }

  /** The user-data-dir root; every Chromium process of this host has it on its command line. */
  get profileDir(): string | undefined {
    return this.profileRoot;
  }

  /** A fresh, isolated BrowserContext whose traffic goes through `proxyServer`. */
  async newContext(proxyServer: string, signal?: AbortSignal): Promise<BrowserContext> {
    for (let attempt = 0; ; attempt++) {
      const browser = await this.ensure();
      try {
        return await withTimeout(
          browser.createBrowserContext({ proxyServer, proxyBypassList: ['<-loopback>'] }),
          this.options.launchTimeoutMs ?? 15_000,
          signal,
        );
      } catch (error) {
        if (signal?.aborted || attempt > 0) throw error;
        // A hung or half-dead Chromium: replace it and try once more.
        await this.kill();
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.launching?.catch(() => undefined);
    await this.kill();
    // Chromium's helper processes can still be writing into the profile for a moment after the
    // browser is killed; retry, and never let a leftover temporary folder fail the close.
    if (this.profileRoot) await rm(this.profileRoot, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }).catch(() => undefined);
    this.profileRoot = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async ensure(): Promise<Browser> {
    if (this.closed) throw new Error('the browser host is closed');
    if (this.browser?.connected) return this.browser;
    this.browser = undefined;
    this.launching ??= this.launch().finally(() => (this.launching = undefined));
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    this.profileRoot ??= await mkdtemp(join(tmpdir(), 'workgym-chromium-'));
    const profile = join(this.profileRoot, `profile-${this.launches}`);
    this.launches += 1;
    // Puppeteer loads with the first launch, not with the env: listing its families (every CLI
    // command that matches --family) does not load it.
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({
      executablePath: this.executablePath,
      headless: true,
      pipe: true,
      args: [...this.args],
      userDataDir: profile,
      // HOME and caches inside the profile root: the container's root file system is read-only.
      env: { ...process.env, HOME: this.profileRoot, XDG_CONFIG_HOME: this.profileRoot, XDG_CACHE_HOME: this.profileRoot },
      timeout: this.options.launchTimeoutMs ?? 30_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      protocolTimeout: 60_000,
      defaultViewport: { width: 1280, height: 800 },
    });
    if (this.closed) {
      await killBrowser(browser);
      throw new Error('the browser host is closed');
    }
    // The blank tab Chromium opens at start keeps a renderer of its own that no episode uses.
    for (const page of await browser.pages()) await page.close();
    this.browser = browser;
    return browser;
  }

  private async kill(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await killBrowser(browser);
  }
}

/** Closes Chromium politely if it answers, then kills its whole process group. */
async function killBrowser(browser: Browser): Promise<void> {
  const child = browser.process();
  // A frozen or crashed browser never answers the close message; don't wait for it forever.
  await withTimeout(browser.close(), 3_000).catch(() => undefined);
  if (child?.pid !== undefined) {
    for (const pid of [-child.pid, child.pid]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3_000);
        child.once('exit', () => (clearTimeout(timer), resolve()));
      });
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    const onAbort = () => reject(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

import type { EpisodeSpec, Session } from '@workgym/protocol';
import { EnvBase, FamilyCatalogue } from '@workgym/protocol/kit';
import type { BrowserContext } from 'puppeteer-core';
import { BrowserHost, type BrowserHostOptions } from './browser/browser-host.js';
import { DEFAULT_SETTLE, PageDriver, type SettleOptions } from './browser/page-driver.js';
import { BrowserSession } from './session.js';
import { VERIFIER_VERSIONS } from './gen/verifier-versions.js';
import { SiteServer } from './sites/site-server.js';
import { FAMILIES } from './tasks/index.js';
import type { FamilyDef, TaskInstance } from './tasks/task.js';
import { TOOLS } from './tools.js';
import { miniwobFamilies, miniwobTask } from './miniwob/miniwob-suite.js';

export interface BrowserEnvOptions extends BrowserHostOptions {
  /** The families it serves (default: the catalogue, FAMILIES; tests pass the templates). */
  families?: readonly FamilyDef[];
  /** Sessions (BrowserContexts) one server runs at once. */
  maxSessions?: number;
  /** A MiniWoB++-layout suite folder (default: $WORKGYM_MINIWOB_DIR); adds browser/miniwob.<task>. */
  miniwobDir?: string;
  /** How steps wait for the page (benchmarks compare a fixed-sleep baseline). */
  settle?: SettleOptions;
}

const MINIWOB = 'browser/miniwob.';

/**
 * The browser env: one long-lived Chromium per server, a fresh BrowserContext and fresh site
 * backends per episode, seeded web apps (shop, help desk, webmail, booking, admin).
 */
export class BrowserEnv extends EnvBase<FamilyDef> {
  readonly host: BrowserHost;
  private readonly miniwobDir: string | undefined;

  constructor(private readonly options: BrowserEnvOptions = {}) {
    const miniwobDir = options.miniwobDir ?? (process.env.WORKGYM_MINIWOB_DIR || undefined);
    super(
      { name: 'browser', version: '0.1.0', maxSessions: options.maxSessions ?? 4, capabilities: ['expert', 'candidates', 'images'] },
      new FamilyCatalogue('browser', options.families ?? FAMILIES, {
        external: miniwobDir ? miniwobFamilies(miniwobDir, VERIFIER_VERSIONS.miniwob ?? '') : [],
        verifierVersions: VERIFIER_VERSIONS,
      }),
      TOOLS.specs,
    );
    this.miniwobDir = miniwobDir;
    this.host = new BrowserHost(options);
  }

  /** The task a (family, split, seed) stands for, without a browser. */
  override instance(family: string, seed: number, split = 'train'): TaskInstance {
    if (family.startsWith(MINIWOB) && this.miniwobDir) return miniwobTask(this.miniwobDir, family.slice(MINIWOB.length), seed, split);
    return super.instance(family, seed, split);
  }

  protected async open(spec: EpisodeSpec, signal: AbortSignal): Promise<Session> {
    const instance = this.instance(spec.family, spec.seed, spec.split);
    // Each resource taken is released if a later one fails, so a failed reset leaks nothing.
    const site = await SiteServer.start(instance.sites);
    let context: BrowserContext | undefined;
    try {
      context = await this.host.newContext(site.proxy, signal);
      const page = await context.newPage();
      const driver = await PageDriver.create(page, this.options.settle ?? DEFAULT_SETTLE);
      const def = this.catalogue.find(spec.family);
      const session = new BrowserSession({
        instance,
        site,
        context,
        driver,
        screenshots: spec.options.screenshots === true,
        strategies: def?.strategies ?? [],
        nearMisses: def?.nearMisses ?? [],
      });
      await session.open();
      return session;
    } catch (error) {
      await context?.close().catch(() => undefined);
      await site.close();
      throw error;
    }
  }

  protected override async release(): Promise<void> {
    await this.host.close();
  }
}

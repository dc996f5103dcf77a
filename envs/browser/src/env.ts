import { CallRefusedError, type Environment, type EpisodeSpec, type Session, type TaskFamily, type ToolSpec } from '@workgym/protocol';
import type { BrowserContext } from 'puppeteer-core';
import { BrowserHost, type BrowserHostOptions } from './browser/browser-host.js';
import { DEFAULT_SETTLE, PageDriver, type SettleOptions } from './browser/page-driver.js';
import { BrowserSession } from './session.js';
import { SiteServer } from './sites/site-server.js';
import { FAMILIES } from './tasks/index.js';
import { instanceSeed, Rng } from './tasks/rng.js';
import type { FamilyDef, TaskInstance } from './tasks/task.js';
import { ALL_TOOLS } from './tools.js';
import { miniwobFamilies, miniwobTask } from './miniwob/miniwob-suite.js';

export interface BrowserEnvOptions extends BrowserHostOptions {
  /** Sessions (BrowserContexts) one server runs at once. */
  maxSessions?: number;
  /** A MiniWoB++-layout suite folder (default: $WORKGYM_MINIWOB_DIR); adds browser/miniwob.<task>. */
  miniwobDir?: string;
  /** How steps wait for the page (benchmarks compare a fixed-sleep baseline). */
  settle?: SettleOptions;
}

/**
 * The browser env: one long-lived Chromium per server, a fresh BrowserContext and fresh site
 * backends per episode, seeded web apps (shop, help desk, webmail, booking, admin).
 */
export class BrowserEnv implements Environment {
  readonly name = 'browser';
  readonly version = '0.1.0';
  readonly maxSessions: number;
  readonly capabilities = ['expert', 'candidates', 'images'];
  readonly host: BrowserHost;
  private readonly catalogue: TaskFamily[];
  private readonly miniwobDir: string | undefined;

  constructor(private readonly options: BrowserEnvOptions = {}) {
    this.maxSessions = options.maxSessions ?? 4;
    this.host = new BrowserHost(options);
    this.miniwobDir = options.miniwobDir ?? (process.env.WORKGYM_MINIWOB_DIR || undefined);
    this.catalogue = [
      ...FAMILIES.map((f) => ({
        id: `browser/${f.name}`,
        job: f.job,
        difficulty: f.difficulty,
        description: f.description,
        splits: ['train', 'test'],
        strategies: [...f.strategies],
        nearMisses: [...f.nearMisses],
      })),
      ...(this.miniwobDir ? miniwobFamilies(this.miniwobDir) : []),
    ];
  }

  families(): TaskFamily[] {
    return this.catalogue;
  }

  tools(): readonly ToolSpec[] {
    return ALL_TOOLS;
  }

  /** The task a (family, split, seed) stands for, without a browser. */
  instance(family: string, seed: number, split = 'train'): TaskInstance {
    if (family.startsWith('browser/miniwob.') && this.miniwobDir) return miniwobTask(this.miniwobDir, family.slice('browser/miniwob.'.length), seed, split);
    const def: FamilyDef | undefined = FAMILIES.find((f) => `browser/${f.name}` === family);
    if (!def) throw new CallRefusedError('unknown_family', `no task family ${JSON.stringify(family)} in browser`);
    return def.generate(new Rng(instanceSeed(def.name, split, seed)));
  }

  async reset(spec: EpisodeSpec, signal: AbortSignal): Promise<Session> {
    const instance = this.instance(spec.family, spec.seed, spec.split);
    // Each resource taken is released if a later one fails, so a failed reset leaks nothing.
    const site = await SiteServer.start(instance.sites);
    let context: BrowserContext | undefined;
    try {
      context = await this.host.newContext(site.proxy, signal);
      const page = await context.newPage();
      const driver = await PageDriver.create(page, this.options.settle ?? DEFAULT_SETTLE);
      const def = FAMILIES.find((f) => `browser/${f.name}` === spec.family);
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

  async close(): Promise<void> {
    await this.host.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

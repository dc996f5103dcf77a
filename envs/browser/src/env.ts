import type { EpisodeSpec, Session } from '@workgym/protocol';
import { EnvBase, FamilyCatalogue } from '@workgym/protocol/kit';
import { BrowserHost, type BrowserHostOptions } from './browser/browser-host.js';
import { DEFAULT_SETTLE, type SettleOptions } from './browser/page-driver.js';
import { openBrowserSession } from './open-session.js';
import { VERIFIER_VERSIONS } from './gen/verifier-versions.js';
import { FAMILIES } from './tasks/index.js';
import type { FamilyDef, TaskInstance } from './tasks/task.js';
import { TOOLS } from './tools.js';
import { loadTaskSets, type TaskSetFamily } from './task-sets/index.js';

export interface BrowserEnvOptions extends BrowserHostOptions {
  /** The families it serves (default: the catalogue, FAMILIES; tests pass the templates). */
  families?: readonly FamilyDef[];
  /** Sessions (BrowserContexts) one server runs at once (default 8; a rollout packs the manifest's sessionsPerContainer). */
  maxSessions?: number;
  /**
   * Task sets (files or folders, see src/task-sets/): a MiniWoB++ folder adds
   * browser/miniwob.<page>, a .jsonl file browser/<file name>.<task id>.
   */
  tasks?: readonly string[];
  /** How steps wait for the page (benchmarks compare a fixed-sleep baseline). */
  settle?: SettleOptions;
}

/**
 * The browser env: one long-lived Chromium per server, a fresh BrowserContext and fresh site
 * backends per episode, seeded web apps (shop, help desk, webmail, booking, admin).
 */
export class BrowserEnv extends EnvBase<FamilyDef> {
  readonly host: BrowserHost;
  private readonly taskSets: ReadonlyMap<string, TaskSetFamily>;

  constructor(private readonly options: BrowserEnvOptions = {}) {
    const taskSets = loadTaskSets(options.tasks ?? []);
    super(
      { name: 'browser', version: '0.1.0', maxSessions: options.maxSessions ?? 8, capabilities: ['expert', 'candidates', 'images'] },
      new FamilyCatalogue('browser', options.families ?? FAMILIES, {
        external: taskSets.map((t) => t.family),
        verifierVersions: VERIFIER_VERSIONS,
      }),
      TOOLS.specs,
    );
    this.taskSets = new Map(taskSets.map((t) => [t.family.id!, t]));
    this.host = new BrowserHost(options);
  }

  /** The task a (family, split, seed) stands for, without a browser. */
  override instance(family: string, seed: number, split = 'train'): TaskInstance {
    return this.taskSets.get(family)?.instance(seed, split) ?? super.instance(family, seed, split);
  }

  protected async open(spec: EpisodeSpec, signal: AbortSignal): Promise<Session> {
    const instance = this.instance(spec.family, spec.seed, spec.split);
    const def = this.catalogue.find(spec.family) ?? this.taskSets.get(spec.family)?.family;
    const page = {
      instance,
      screenshots: spec.options.screenshots === true,
      strategies: def?.strategies ?? [],
      nearMisses: def?.nearMisses ?? [],
      conditions: def?.conditions ?? [],
      guesses: def?.guesses ?? [],
      ...(spec.people ? { people: spec.people } : {}),
    };
    return openBrowserSession(this.host, page, signal, this.options.settle ?? DEFAULT_SETTLE);
  }

  protected override async release(): Promise<void> {
    await this.host.close();
  }
}

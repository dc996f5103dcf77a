import { ActionError } from '@workgym/protocol';
import type { CDPSession, HTTPRequest, KeyInput, Page } from 'puppeteer-core';
import { ElementIds, takeSnapshot, type Snapshot, type SnapshotNode } from './ax-snapshot.js';
import { withTimeout } from './browser-host.js';
import { parseKeyStroke } from './keys.js';
import { AFTER_FILL, FILL_TYPED, PREPARE_CLICK, PREPARE_FILL, SELECT_OPTION, type ElementCheck } from './page-scripts.js';
import { NAVIGATION_GRACE_MS, SettleWorld, type DomVerdict } from './settle-world.js';

/** How long each phase of a step took (ms); reported in StepOutcome.info. */
export interface StepTimings {
  action_ms: number;
  navigation_ms: number;
  network_ms: number;
  dom_ms: number;
  observe_ms: number;
  total_ms: number;
  /** The settle hit its cap (the page kept changing or loading). */
  settle_capped: boolean;
}

export interface SettleOptions {
  /** Upper bound for waiting after an action (ms). */
  capMs: number;
  /** DOM quiet window (ms): no mutation for this long counts as settled. */
  quietMs: number;
  /** Baseline mode for benchmarks: sleep this long instead of waiting for events. */
  fixedSleepMs?: number;
  /**
   * Follow `setTimeout`s of up to this delay (ms) that the action's work set, until they ran
   * (a debounce, an autocomplete delay); 0 follows none (the behaviour before, for benchmarks).
   * Default: SHORT_TIMER_MS.
   */
  shortTimerMs?: number;
  /** How long an action itself (a click, a page load) may take before it fails with `timeout` (ms). */
  actionTimeoutMs?: number;
}

/** Debounces and UI delays are a few hundred ms (jQuery UI autocomplete: 300); a 1 s tick is a clock, not a reaction. */
export const SHORT_TIMER_MS = 500;
export const DEFAULT_SETTLE: SettleOptions = { capMs: 5_000, quietMs: 25, shortTimerMs: SHORT_TIMER_MS };
const ACTION_TIMEOUT_MS = 10_000;

type PhaseTimings = Omit<StepTimings, 'observe_ms' | 'total_ms'>;

/**
 * Drives one episode's page: resolves element ids, performs actions through CDP input events,
 * waits for the page to settle (navigation, network idle, DOM quiescence) and reads snapshots.
 */
export class PageDriver {
  private readonly ids = new ElementIds();
  private current = new Map<number, SnapshotNode>();
  private readonly inflight = new Set<HTTPRequest>();
  private readonly loadingFrames = new Set<string>();
  private navRequested = false;
  /** The main frame's current document; a new one means new element ids. */
  private loaderId = '';
  private snapshotLoaderId = '';
  private wake: (() => void) | undefined;
  private world!: SettleWorld;
  snapshot: Snapshot = { nodes: [], text: '', title: '' };

  private constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly settleOptions: SettleOptions,
  ) {
    const touch = () => this.wake?.();
    page.on('request', (r) => (this.inflight.add(r), touch()));
    page.on('requestfinished', (r) => (this.inflight.delete(r), touch()));
    page.on('requestfailed', (r) => (this.inflight.delete(r), touch()));
    cdp.on('Page.frameRequestedNavigation', () => ((this.navRequested = true), touch()));
    cdp.on('Page.frameStartedLoading', (e: { frameId: string }) => {
      this.navRequested = false;
      this.loadingFrames.add(e.frameId);
      touch();
    });
    cdp.on('Page.frameNavigated', (e: { frame: { parentId?: string; loaderId: string } }) => {
      if (e.frame.parentId === undefined) this.loaderId = e.frame.loaderId;
    });
    cdp.on('Page.frameStoppedLoading', (e: { frameId: string }) => (this.loadingFrames.delete(e.frameId), touch()));
  }

  static async create(page: Page, settle: SettleOptions = DEFAULT_SETTLE): Promise<PageDriver> {
    const cdp = await page.createCDPSession();
    await cdp.send('Page.enable');
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    const driver = new PageDriver(page, cdp, settle);
    driver.world = await SettleWorld.install(cdp, () => driver.wake?.(), settle.shortTimerMs ?? SHORT_TIMER_MS);
    return driver;
  }

  private get actionTimeoutMs(): number {
    return this.settleOptions.actionTimeoutMs ?? ACTION_TIMEOUT_MS;
  }

  url(): string {
    return this.page.url();
  }

  /** Reads the accessibility tree; ids stay the same for elements that live on. */
  async observe(): Promise<Snapshot> {
    // A new document gets new ids: backendNodeIds may repeat in a new renderer process.
    if (this.loaderId !== this.snapshotLoaderId) {
      this.snapshotLoaderId = this.loaderId;
      this.ids.newDocument();
    }
    this.snapshot = await takeSnapshot(this.cdp, this.ids);
    this.current = new Map(this.snapshot.nodes.map((n) => [n.id, n]));
    return this.snapshot;
  }

  async click(id: number): Promise<PhaseTimings> {
    return this.act(async () => {
      const objectId = await this.resolve(id);
      const prepared = await this.call<ElementCheck | { option: string }>(objectId, PREPARE_CLICK);
      if ('option' in prepared) {
        this.check(await this.call<ElementCheck>(objectId, SELECT_OPTION, prepared.option));
        return;
      }
      const where = this.check(prepared);
      await this.page.mouse.click(where.x, where.y);
    });
  }

  async fill(id: number, text: string): Promise<PhaseTimings> {
    return this.act(async () => {
      const objectId = await this.resolve(id);
      const prepared = await this.call<ElementCheck>(objectId, PREPARE_FILL);
      this.check(prepared);
      if ('typed' in prepared && prepared.typed) {
        this.check(await this.call<ElementCheck>(objectId, FILL_TYPED, text));
        return;
      }
      if (text.length > 0) await this.cdp.send('Input.insertText', { text });
      else await this.page.keyboard.press('Backspace');
      await this.call(objectId, AFTER_FILL);
    });
  }

  async select(id: number, option: string): Promise<PhaseTimings> {
    return this.act(async () => {
      const objectId = await this.resolve(id);
      this.check(await this.call<ElementCheck>(objectId, SELECT_OPTION, option));
    });
  }

  /** Presses a key or a combination (see keys.ts), or types characters in order, into the focused element. */
  async press(key: string): Promise<PhaseTimings> {
    const stroke = parseKeyStroke(key);
    return this.act(async () => {
      const keyboard = this.page.keyboard;
      if ('text' in stroke) return keyboard.type(stroke.text);
      for (const modifier of stroke.modifiers) await keyboard.down(modifier);
      try {
        await keyboard.press(stroke.key as KeyInput);
      } finally {
        for (const modifier of [...stroke.modifiers].reverse()) await keyboard.up(modifier);
      }
    });
  }

  async scroll(direction: 'up' | 'down' | 'left' | 'right'): Promise<PhaseTimings> {
    const delta = 600;
    const [x, y] = { up: [0, -delta], down: [0, delta], left: [-delta, 0], right: [delta, 0] }[direction];
    return this.act(async () => {
      await this.page.mouse.move(640, 400);
      await this.page.mouse.wheel({ deltaX: x!, deltaY: y! });
    });
  }

  async goto(url: string): Promise<PhaseTimings> {
    return this.act(async () => {
      await this.page.goto(url, { waitUntil: 'load', timeout: this.actionTimeoutMs }).catch((error: Error) => {
        if (/timeout/i.test(error.message)) throw new ActionError('timeout', `the page did not load within ${this.actionTimeoutMs} ms`);
        throw new ActionError('navigation_failed', error.message);
      });
    });
  }

  async back(): Promise<PhaseTimings> {
    // Checked before going: the entry before the start page is the blank tab, and going there
    // would leave the agent on a page its observation does not show.
    const { currentIndex, entries } = await this.cdp.send('Page.getNavigationHistory');
    const previous = entries[currentIndex - 1];
    if (!previous || previous.url === 'about:blank') throw new ActionError('no_history', 'there is no previous page');
    return this.act(async () => {
      await this.page.goBack({ waitUntil: 'load', timeout: this.actionTimeoutMs }).catch((error: Error) => {
        throw new ActionError('timeout', error.message);
      });
    });
  }

  /** Runs a script in the page (MiniWoB's globals); null when the page cannot answer. */
  async evaluate<T>(expression: string): Promise<T | null> {
    return withTimeout(this.page.evaluate(expression) as Promise<T>, this.actionTimeoutMs).catch(() => null);
  }

  async screenshot(): Promise<Uint8Array> {
    return this.page.screenshot({ type: 'png' });
  }

  async close(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
  }

  /** Performs an action, then waits for the page to settle; returns the phase timings. */
  private async act(action: () => Promise<void>): Promise<PhaseTimings> {
    const t0 = performance.now();
    try {
      await withTimeout(action(), this.actionTimeoutMs);
    } catch (error) {
      if (error instanceof ActionError) throw error;
      const message = (error as Error).message;
      if (/timed out/.test(message)) throw new ActionError('timeout', `the action did not complete within ${this.actionTimeoutMs} ms`);
      if (/No node with given id|Could not find node|Node is detached|Cannot find context/i.test(message)) {
        throw new ActionError('stale_element', 'the element is no longer in the page');
      }
      if (/Target closed|Session closed|Connection closed|detached Frame/i.test(message)) {
        throw new ActionError('browser_crashed', 'the browser tab is gone; reset to start a new episode');
      }
      throw error;
    }
    const t1 = performance.now();
    const phases = await this.settle(t0, t1);
    return { action_ms: t1 - t0, ...phases };
  }

  private async settle(actionStart: number, actionEnd: number): Promise<Omit<PhaseTimings, 'action_ms'>> {
    const { capMs, quietMs, fixedSleepMs } = this.settleOptions;
    if (fixedSleepMs !== undefined) {
      const t = performance.now();
      await new Promise((resolve) => setTimeout(resolve, fixedSleepMs));
      return { navigation_ms: 0, network_ms: 0, dom_ms: performance.now() - t, settle_capped: false };
    }
    const deadline = performance.now() + capMs;
    let navigation = 0;
    let network = 0;
    let dom = 0;
    for (;;) {
      let t = performance.now();
      await this.until(() => this.loadingFrames.size === 0 && !this.navRequested, deadline);
      navigation += performance.now() - t;
      t = performance.now();
      await this.until(() => this.inflight.size === 0, deadline);
      network += performance.now() - t;
      t = performance.now();
      const verdict = await this.domVerdict(quietMs, deadline, actionStart, actionEnd);
      dom += performance.now() - t;
      const settled = verdict === 'quiet' && this.loadingFrames.size === 0 && !this.navRequested && this.inflight.size === 0;
      if (settled || performance.now() >= deadline) {
        return { navigation_ms: navigation, network_ms: network, dom_ms: dom, settle_capped: !settled };
      }
    }
  }

  /** Asks the DOM clock; when the page announced a navigation, waits for Chromium to start it. */
  private async domVerdict(quietMs: number, deadline: number, actionStart: number, actionEnd: number): Promise<DomVerdict> {
    const left = deadline - performance.now();
    if (left <= 0) return 'capped';
    const verdict = await withTimeout(this.world.probe(quietMs, Math.min(left, 2_000), actionStart, actionEnd), left + 500).catch((): DomVerdict => 'gone');
    if (verdict === 'navigating') {
      // A navigation that never starts (a 204, a download) stops the wait after the grace period.
      await this.until(() => this.navRequested || this.loadingFrames.size > 0, Math.min(deadline, performance.now() + NAVIGATION_GRACE_MS));
    }
    return verdict;
  }

  /** Waits, event-driven, until `condition` holds or the deadline passes. */
  private async until(condition: () => boolean, deadline: number): Promise<void> {
    while (!condition()) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = undefined;
    }
  }

  private async resolve(id: number): Promise<string> {
    const node = this.current.get(id);
    if (!node) {
      if (this.ids.wasIssued(id)) {
        throw new ActionError(
          'stale_element',
          `element [${id}] is no longer on the page (it was on an earlier page or was removed); use an id from the latest observation`,
        );
      }
      throw new ActionError('no_such_element', `there is no element [${id}]; use an id from the latest observation`);
    }
    try {
      const { object } = await this.cdp.send('DOM.resolveNode', { backendNodeId: node.backendNodeId });
      if (!object.objectId) throw new Error('no object id');
      return object.objectId;
    } catch {
      if (!this.page.browser().connected) throw new ActionError('browser_crashed', 'the browser is gone; reset to start a new episode');
      throw new ActionError('stale_element', `element [${id}] is no longer on the page; use an id from the latest observation`);
    }
  }

  private async call<T>(objectId: string, fn: string, ...args: unknown[]): Promise<T> {
    const { result, exceptionDetails } = await this.cdp.send('Runtime.callFunctionOn', {
      objectId,
      functionDeclaration: fn,
      arguments: args.map((value) => ({ value })),
      returnByValue: true,
      awaitPromise: true,
    });
    if (exceptionDetails) throw new ActionError('failed', exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value as T;
  }

  private check(result: ElementCheck): { x: number; y: number } {
    if ('error' in result) throw new ActionError(result.error, result.message);
    return result;
  }
}

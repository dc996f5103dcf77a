import type { CDPSession, Protocol } from 'puppeteer-core';

const WORLD = 'workgym-settle';

/** A navigation the page announced but Chromium never started (a 204, a download) stops counting after this. */
export const NAVIGATION_GRACE_MS = 1_000;

/**
 * The DOM clock, run at document start in an isolated world: the page cannot see or change it,
 * yet it shares the page's DOM. It remembers when the document last changed (mutations, and its
 * DOMContentLoaded and load events, after which scripts often render) and whether the page
 * started a navigation (the Navigation API's `navigate` event fires inside the click that caused
 * it, so no race with CDP events can hide it). `settle` answers once the page has been quiet for
 * the window, counted from the later of its last change and the end of the action: work the
 * action queued (timers, promise chains, frames) gets the whole window to show.
 */
const CLOCK = `(() => {
  if (globalThis.settle) return;
  const clock = { last: performance.now(), navigatedAt: -Infinity };
  const changed = () => { clock.last = performance.now(); };
  new MutationObserver(changed).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  addEventListener('DOMContentLoaded', changed);
  addEventListener('load', changed);
  if (globalThis.navigation) {
    navigation.addEventListener('navigate', () => { clock.navigatedAt = performance.now(); });
    const finished = () => { clock.navigatedAt = -Infinity; };
    navigation.addEventListener('navigatesuccess', finished);
    navigation.addEventListener('navigateerror', finished);
  }
  globalThis.settle = (quietMs, maxMs, sinceActionMs) => new Promise((resolve) => {
    const start = performance.now();
    const actionEnd = start - sinceActionMs;
    const check = () => {
      const now = performance.now();
      if (now - clock.navigatedAt < ${NAVIGATION_GRACE_MS}) return resolve('navigating');
      const quietFor = now - Math.max(clock.last, actionEnd);
      if (quietFor >= quietMs) return resolve('quiet');
      if (now - start >= maxMs) return resolve('capped');
      setTimeout(check, Math.min(quietMs - quietFor, maxMs - (now - start)));
    };
    check();
  });
})()`;

/** How the DOM clock judged the page: quiet, navigating away, still changing at the cap, or gone (a new document replaced it). */
export type DomVerdict = 'quiet' | 'navigating' | 'capped' | 'gone';

/**
 * The DOM clock's isolated world in the page's main frame: installed for every new document,
 * followed through navigations by its execution context, probed by one Runtime.evaluate.
 */
export class SettleWorld {
  private contextId: number | undefined;

  private constructor(
    private readonly cdp: CDPSession,
    private readonly frameId: string,
    onChange: () => void,
  ) {
    cdp.on('Runtime.executionContextCreated', ({ context }: Protocol.Runtime.ExecutionContextCreatedEvent) => {
      const aux = context.auxData as { frameId?: string } | undefined;
      if (context.name === WORLD && aux?.frameId === this.frameId) this.contextId = context.id;
    });
    cdp.on('Runtime.executionContextDestroyed', (e: Protocol.Runtime.ExecutionContextDestroyedEvent) => {
      if (e.executionContextId !== this.contextId) return;
      this.contextId = undefined;
      onChange();
    });
    cdp.on('Runtime.executionContextsCleared', () => ((this.contextId = undefined), onChange()));
  }

  static async install(cdp: CDPSession, onChange: () => void): Promise<SettleWorld> {
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const world = new SettleWorld(cdp, frameTree.frame.id, onChange);
    await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: CLOCK, worldName: WORLD });
    await cdp.send('Runtime.enable');
    return world;
  }

  /**
   * Waits in the page until the DOM is quiet for `quietMs` (or `maxMs` passed, or a navigation
   * began). `actionEnd` is on this process's performance clock; the page's clock differs, so the
   * page is told how long ago it was (late by the message's latency: a slightly longer wait).
   */
  async probe(quietMs: number, maxMs: number, actionEnd: number): Promise<DomVerdict> {
    try {
      const contextId = this.contextId ?? (await this.attach());
      const { result, exceptionDetails } = await this.cdp.send('Runtime.evaluate', {
        expression: `settle(${quietMs}, ${maxMs}, ${performance.now() - actionEnd})`,
        contextId,
        awaitPromise: true,
        returnByValue: true,
      });
      return exceptionDetails ? 'gone' : (result.value as DomVerdict);
    } catch {
      // The document (and its world) went away during the probe: a navigation replaced it.
      return 'gone';
    }
  }

  /** A document that began before the clock was installed (the page's first about:blank) gets one now. */
  private async attach(): Promise<number> {
    const { executionContextId } = await this.cdp.send('Page.createIsolatedWorld', { frameId: this.frameId, worldName: WORLD });
    await this.cdp.send('Runtime.evaluate', { expression: CLOCK, contextId: executionContextId });
    this.contextId ??= executionContextId;
    return executionContextId;
  }
}

import type { CDPSession, Protocol } from 'puppeteer-core';

const WORLD = 'workgym-settle';

/** A navigation the page announced but Chromium never started (a 204, a download) stops counting after this. */
export const NAVIGATION_GRACE_MS = 1_000;

/** Timer events the page's timer tracker sends the clock (a DOM event: the two worlds share only the DOM). */
const TIMER_EVENT = 'workgym-settle-timer';
/** Timers set this long before the action began (by the page's clock, which the latency of a message skews) still count as its work. */
const TIMER_BIRTH_MARGIN_MS = 100;
/** A timer due this long ago with no word that it ran is forgotten (its document froze or forged it). */
const TIMER_FORGET_MS = 1_000;

/** A chain of timers each set by the one before is followed this far: a loop is not a reaction. */
const MAX_TIMER_CHAIN = 5;

/**
 * Runs in the page's own world at document start: follows `setTimeout` calls of up to
 * `shortMs` and tells the clock when each is set and when it ran or was cleared. Each timer
 * carries the birth time of its lineage: one set inside another's callback inherits it, so a
 * polling loop that began before an action never counts as the action's work, and one the
 * action (or a page load) started counts for its first MAX_TIMER_CHAIN links only. Intervals
 * and longer timers (a ticking clock, an episode timeout) are never followed. The page can see
 * and break this wrapper; that only changes how long its own steps wait, never past the cap.
 */
function timerTracker(shortMs: number): string {
  return `(() => {
  const [nativeSet, nativeClear, nativeClearInterval] = [setTimeout, clearTimeout, clearInterval];
  const pending = new Set();
  let lineage = null;
  const tell = (detail) => dispatchEvent(new CustomEvent('${TIMER_EVENT}', { detail }));
  const done = (id) => { if (pending.delete(id)) tell('done ' + id); };
  globalThis.setTimeout = function setTimeout(callback, delay, ...args) {
    const ms = Math.max(0, Number(delay) || 0);
    if (typeof callback !== 'function' || ms > ${shortMs}) return nativeSet(callback, delay, ...args);
    const mine = lineage ? { born: lineage.born, depth: lineage.depth + 1 } : { born: performance.now(), depth: 1 };
    const id = nativeSet(function () {
      const outer = lineage;
      lineage = mine;
      try { return callback.apply(this, args); } finally { lineage = outer; done(id); }
    }, delay);
    if (mine.depth <= ${MAX_TIMER_CHAIN}) {
      pending.add(id);
      tell('set ' + id + ' ' + mine.born + ' ' + (performance.now() + ms));
    }
    return id;
  };
  globalThis.clearTimeout = function clearTimeout(id) { done(id); return nativeClear(id); };
  globalThis.clearInterval = function clearInterval(id) { done(id); return nativeClearInterval(id); };
})()`;
}

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
  const timers = new Map();
  addEventListener('${TIMER_EVENT}', (e) => {
    const [what, id, born, due] = String(e.detail).split(' ');
    // No short timer is due further ahead than this; a later one is forged and would only hold the step to the cap.
    if (what === 'set') { if (Number(due) <= performance.now() + ${TIMER_FORGET_MS}) timers.set(id, { born: Number(born), due: Number(due) }); }
    else if (timers.delete(id)) changed();
  });
  /** The latest due time of short timers the action's work set (since actionStart), if any. */
  const pendingUntil = (now, actionStart) => {
    let until = -Infinity;
    for (const [id, t] of timers) {
      if (t.due < now - ${TIMER_FORGET_MS}) timers.delete(id);
      else if (t.born >= actionStart) until = Math.max(until, t.due);
    }
    return until;
  };
  new MutationObserver(changed).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  addEventListener('DOMContentLoaded', changed);
  addEventListener('load', changed);
  if (globalThis.navigation) {
    navigation.addEventListener('navigate', () => { clock.navigatedAt = performance.now(); });
    const finished = () => { clock.navigatedAt = -Infinity; };
    navigation.addEventListener('navigatesuccess', finished);
    navigation.addEventListener('navigateerror', finished);
  }
  globalThis.settle = (quietMs, maxMs, sinceActionMs, sinceActionStartMs) => new Promise((resolve) => {
    const start = performance.now();
    const actionEnd = start - sinceActionMs;
    const actionStart = start - sinceActionStartMs;
    const check = () => {
      const now = performance.now();
      if (now - clock.navigatedAt < ${NAVIGATION_GRACE_MS}) return resolve('navigating');
      const quietFor = now - Math.max(clock.last, actionEnd);
      const timerDue = pendingUntil(now, actionStart);
      if (quietFor >= quietMs && timerDue === -Infinity) return resolve('quiet');
      if (now - start >= maxMs) return resolve('capped');
      const wait = timerDue === -Infinity ? quietMs - quietFor : Math.max(5, Math.min(timerDue - now, quietMs));
      setTimeout(check, Math.min(wait, maxMs - (now - start)));
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

  /** `shortTimerMs`: follow timers of up to this delay that the action set (0: follow none). */
  static async install(cdp: CDPSession, onChange: () => void, shortTimerMs: number): Promise<SettleWorld> {
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const world = new SettleWorld(cdp, frameTree.frame.id, onChange);
    await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: CLOCK, worldName: WORLD });
    if (shortTimerMs > 0) await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: timerTracker(shortTimerMs) });
    await cdp.send('Runtime.enable');
    return world;
  }

  /**
   * Waits in the page until the DOM is quiet for `quietMs` and no short timer the action set is
   * pending (or `maxMs` passed, or a navigation began). `actionStart` and `actionEnd` are on this
   * process's performance clock; the page's clock differs, so the page is told how long ago they
   * were (late by the message's latency: a slightly longer wait; the start gets a margin so a
   * timer set early in the action is not taken for an older one).
   */
  async probe(quietMs: number, maxMs: number, actionStart: number, actionEnd: number): Promise<DomVerdict> {
    try {
      const contextId = this.contextId ?? (await this.attach());
      const now = performance.now();
      const { result, exceptionDetails } = await this.cdp.send('Runtime.evaluate', {
        expression: `settle(${quietMs}, ${maxMs}, ${now - actionEnd}, ${now - actionStart + TIMER_BIRTH_MARGIN_MS})`,
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

import {
  ActionError,
  CallRefusedError,
  type ExpertAction,
  type Observation,
  type Session,
  type StepOutcome,
  type ToolSpec,
  type ValidToolCall,
  type Verdict,
} from '@workgym/protocol';
import { expertAction, type People, type StateSnapshot } from '@workgym/protocol/kit';
import { guessStrategy, relaxStrategy } from '@workgym/protocol';
import type { BrowserContext } from 'puppeteer-core';
import type { PageDriver, StepTimings } from './browser/page-driver.js';
import { candidateActions } from './candidates.js';
import type { SiteServer } from './sites/site-server.js';
import { sitesState, touchSites } from './sites/state.js';
import type { ExpertView, SeenPage } from './tasks/expert-kit.js';
import type { TaskInstance } from './tasks/task.js';
import { TOOLS, type ToolName } from './tools.js';

const MAX_TEXT_CHARS = 24_000;
/** Pages an expert remembers; an episode's step limit keeps far fewer in practice. */
const MAX_SEEN_PAGES = 500;

export interface SessionParts {
  instance: TaskInstance;
  site: SiteServer;
  context: BrowserContext;
  driver: PageDriver;
  screenshots: boolean;
  /** The family's expert strategies (the first is the default), near-misses, conditions and guesses. */
  strategies: readonly string[];
  nearMisses: readonly string[];
  conditions: readonly string[];
  guesses: readonly string[];
  /** The task's people (a family listing `people`): its experts read what they said. */
  people?: People;
}

/** One browser episode: its own BrowserContext, page and site backends. */
export class BrowserSession implements Session {
  readonly tools: readonly ToolSpec[] = TOOLS.specs;
  observation: Observation = { text: '' };
  private answerText: string | undefined;
  private submitted = false;
  private closed = false;
  /** Every page this episode showed, so experts act on what was seen and nothing else. */
  private readonly seen: SeenPage[] = [];

  /** What failed a person's reply on a site's channel during the current step (SiteApp.meet). */
  private peopleFault: Error | undefined;

  constructor(private readonly parts: SessionParts) {
    const people = parts.people;
    if (people) for (const app of parts.instance.sites) app.meet?.(people, (error) => (this.peopleFault ??= error));
  }

  /** Read after open(): an external suite's page states its own instruction. */
  get instruction(): string {
    return this.parts.instance.instruction;
  }

  /** The first observation, after the start page loaded. */
  async open(): Promise<void> {
    await this.parts.driver.goto(this.parts.instance.startUrl);
    await this.parts.instance.prepare?.(this.parts.driver);
    this.observation = await this.observe();
  }

  async step(call: ValidToolCall, _signal: AbortSignal): Promise<StepOutcome> {
    const t0 = performance.now();
    const name = call.name as ToolName;
    const d = this.parts.driver;
    let phases: Omit<StepTimings, 'observe_ms' | 'total_ms'>;
    switch (name) {
      case 'submit':
        this.submitted = true;
        return { observation: { ...this.observation, text: 'Submitted.', candidates: [] }, terminated: true };
      case 'answer':
        this.answerText = TOOLS.parse('answer', call.arguments).text;
        return { observation: { ...this.observation, text: 'Answer recorded.', candidates: [] }, terminated: true };
      case 'click':
        phases = await d.click(TOOLS.parse('click', call.arguments).id);
        break;
      case 'fill': {
        const a = TOOLS.parse('fill', call.arguments);
        phases = await d.fill(a.id, a.text);
        break;
      }
      case 'select': {
        const a = TOOLS.parse('select', call.arguments);
        phases = await d.select(a.id, a.option);
        break;
      }
      case 'press': {
        const key = TOOLS.parse('press', call.arguments).key;
        phases = await d.press(key === 'Space' ? ' ' : key);
        break;
      }
      case 'scroll':
        phases = await d.scroll(TOOLS.parse('scroll', call.arguments).direction);
        break;
      case 'goto':
        phases = await d.goto(this.allowedUrl(TOOLS.parse('goto', call.arguments).url));
        break;
      case 'back':
        phases = await d.back();
        break;
      default:
        throw new ActionError('unknown_tool', `no tool ${call.name}`);
    }
    const t1 = performance.now();
    const fault = this.peopleFault;
    this.peopleFault = undefined;
    // The person's fault, not the agent's: the step fails with it (a PeopleError is the protocol's people_error).
    if (fault) throw fault;
    const done = (await this.parts.instance.afterStep?.(this.parts.driver)) ?? false;
    this.observation = await this.observe();
    const end = performance.now();
    const timings: StepTimings = { ...phases, observe_ms: end - t1, total_ms: end - t0 };
    return { observation: this.observation, terminated: done, info: { timings: roundAll(timings) } };
  }

  async verify(): Promise<Verdict> {
    const v = this.parts.instance.verify({ answer: this.answerText, submitted: this.submitted });
    // Only a suite that declares no components brings its own reward; the server shapes the rest.
    return { success: v.success, components: v.components, detail: v.detail, ...(v.reward !== undefined ? { reward: v.reward } : {}) };
  }

  async expert(_signal: AbortSignal, strategy: string): Promise<ExpertAction> {
    const { instance, strategies, nearMisses, conditions, guesses } = this.parts;
    if (!instance.expert) throw new CallRefusedError('unsupported', 'this task comes from an external suite and has no expert');
    const name = strategy || strategies[0]!;
    const known = [...strategies, ...nearMisses, ...conditions.map(relaxStrategy), ...guesses.map(guessStrategy)];
    if (!known.includes(name)) {
      throw new CallRefusedError('bad_request', `no expert strategy ${JSON.stringify(name)} (this family has ${known.join(', ')})`);
    }
    return expertAction(instance.expert(this.expertView(name)), 'expert');
  }

  /**
   * Every record of every site backend the episode serves (`site:shop/orders/4412` -> canonical
   * JSON), read from the apps, not the page: what the kit diffs from reset to the end.
   */
  async state(): Promise<StateSnapshot> {
    return sitesState(this.parts.instance.sites);
  }

  /** The family's declared changes (`TaskInstance.expectsChange`); none for a task that declares none. */
  expectsChange(key: string): boolean {
    return this.parts.instance.expectsChange?.(key) ?? false;
  }

  /** Edits the record at `key` server-side, as a request to its site could. */
  async touch(key: string): Promise<void> {
    touchSites(this.parts.instance.sites, key);
  }

  /** What an expert decides from at this state: the current page and every page shown (a composite env's expert reads it too). */
  expertView(strategy: string): ExpertView {
    const view = { url: new URL(this.parts.driver.url()), snapshot: this.parts.driver.snapshot, seen: this.seen, strategy };
    return this.parts.people ? { ...view, people: this.parts.people } : view;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.parts.driver.close();
    // A crashed Chromium cannot close the context; the site server still has to go.
    await this.parts.context.close().catch(() => undefined);
    await this.parts.site.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** goto may only reach the task's own sites. */
  private allowedUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw, this.parts.driver.url());
    } catch {
      throw new ActionError('invalid_arguments', `${JSON.stringify(raw)} is not a URL`);
    }
    const hosts = this.parts.site.hosts();
    if (url.protocol !== 'http:' || !hosts.includes(url.hostname) || url.port !== '') {
      throw new ActionError('navigation_blocked', `${url.href} is outside this task's sites (${hosts.map((h) => `http://${h}/`).join(', ')})`);
    }
    return url.href;
  }

  private async observe(): Promise<Observation> {
    const d = this.parts.driver;
    const snapshot = await d.observe().catch((error: Error) => {
      throw new ActionError('browser_crashed', `the page cannot be read (${error.message}); reset to start a new episode`);
    });
    const head = `URL: ${d.url()}\nTitle: ${snapshot.title}\n\n`;
    this.seen.push({ url: d.url(), snapshot });
    if (this.seen.length > MAX_SEEN_PAGES) this.seen.shift();
    const full = head + snapshot.text;
    const text =
      full.length > MAX_TEXT_CHARS ? `${full.slice(0, MAX_TEXT_CHARS)}\n[… page text cut at ${MAX_TEXT_CHARS} characters; scroll or search to see more]` : full;
    const observation: Observation = {
      text,
      rawSize: Buffer.byteLength(full),
      candidates: candidateActions(snapshot, this.instruction, this.parts.instance.answers ?? false),
    };
    if (this.parts.screenshots) observation.images = [{ mimeType: 'image/png', data: await d.screenshot(), label: 'viewport' }];
    return observation;
  }
}

function roundAll(t: StepTimings): Record<string, number | boolean> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 10) / 10 : v]));
}

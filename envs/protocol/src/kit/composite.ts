import type { ExpertAction, Session, StepOutcome, ValidToolCall } from '../environment.js';
import { CallRefusedError } from '../errors.js';
import { ENDING_TOOLS } from '../ending-tools.js';
import type { Image, Observation, ToolCall, ToolSpec, Verdict } from '../messages.js';
import { toolCall } from '../tool-call.js';
import { joinStates, type StateChange, type StateSnapshot } from './state.js';
import { defineTools, z, type ToolTable } from './tools.js';

const ENDING_DEFINITIONS = {
  answer: {
    description: 'Give the final answer to the question: ends the episode and checks it.',
    args: z.strictObject({ text: z.string().min(1).max(10_000).describe('The answer, as short as the question allows.') }),
  },
  submit: { description: 'Declare the task done: ends the episode and checks the result in every app.', args: z.strictObject({}) },
};

/**
 * The composite's own ending tools, the same names and arguments as every single-app env's
 * (`submit`, `answer`), so a policy that learnt to end an episode in one app ends one here too.
 */
export const ENDING_TOOL_TABLE: ToolTable<typeof ENDING_DEFINITIONS> = defineTools(ENDING_DEFINITIONS);

/** How the episode ended, as the composite's verifier gets it; the rest is the apps' own state. */
export interface CompositeEnding {
  /** The text given to `answer`, if the episode ended with it. */
  answer: string | undefined;
  /** The episode ended with `submit`. */
  submitted: boolean;
}

/** What a composite session is made of. */
export interface CompositeParts {
  /** What the agent is asked: the whole job, across the apps. */
  instruction: string;
  /** The app sessions by name, in the order their sections are shown (e.g. `{ browser, sheet }`). */
  apps: Readonly<Record<string, Session>>;
  /**
   * Tools an app offers that the composite leaves out, by app name: how two apps with a tool of
   * the same name are put together (the composite refuses to guess which one a call means).
   */
  omit?: Readonly<Record<string, readonly string[]>>;
  /** The ending tools the composite offers (default `['submit']`). */
  ending?: readonly ('answer' | 'submit')[];
  /** The verdict over every app's final state (the family's verifier sees them all). */
  verify(ending: CompositeEnding, signal: AbortSignal): Promise<Verdict>;
  /** The reference solution's next action across the apps; without it the composite has no expert. */
  expert?(strategy: string, signal: AbortSignal): Promise<ExpertAction>;
}

/**
 * One episode across several apps (a browser and a workbook, say), each a protocol `Session` of
 * its own single-app env. It offers the union of the apps' tools under their own names (so what
 * a policy learnt in one app works here), with `submit`/`answer` once, owned by the composite;
 * a call goes to the app that owns its tool. The observation has one titled section per app:
 * the acting app's fresh, the others' as they last showed. Candidates are the apps' own, joined;
 * the verdict is the family's, over every app's state. Closing closes every app, even when one
 * of them fails to close.
 */
export class CompositeSession implements Session {
  readonly instruction: string;
  readonly tools: readonly ToolSpec[];
  private readonly owner = new Map<string, string>();
  private readonly last = new Map<string, Observation>();
  private ending: CompositeEnding = { answer: undefined, submitted: false };
  private closed = false;
  observation: Observation;

  constructor(private readonly parts: CompositeParts) {
    this.instruction = parts.instruction;
    const apps = Object.entries(parts.apps);
    this.tools = compositeTools(Object.fromEntries(apps.map(([app, session]) => [app, session.tools])), parts);
    for (const [app, session] of apps) {
      for (const spec of session.tools) if (this.tools.includes(spec)) this.owner.set(spec.name!, app);
      this.last.set(app, session.observation);
    }
    this.observation = this.compose();
  }

  async step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    if (this.closed) throw new CallRefusedError('unknown_session', 'the session was closed');
    if (ENDING_TOOLS.includes(call.name)) {
      this.ending = call.name === 'answer' ? { answer: String(call.arguments.text), submitted: false } : { answer: undefined, submitted: true };
      const text = call.name === 'answer' ? 'Answer recorded.' : 'Submitted.';
      return { observation: { text, rawSize: text.length, candidates: [] }, terminated: true };
    }
    const app = this.owner.get(call.name)!;
    const outcome = await this.parts.apps[app]!.step(call, signal);
    this.last.set(app, outcome.observation);
    this.observation = this.compose(app);
    return { ...outcome, observation: this.observation, info: { ...outcome.info, app } };
  }

  async verify(signal: AbortSignal): Promise<Verdict> {
    return this.parts.verify(this.ending, signal);
  }

  /** Every app's state under its name (`browser/…`, `sheet/…`); an app that cannot snapshot its state is a TypeError. */
  async state(): Promise<StateSnapshot> {
    const apps = Object.entries(this.parts.apps);
    const states = await Promise.all(
      apps.map(([app, session]) => {
        if (!session.state) throw new TypeError(`the app ${app} cannot snapshot its state (Session.state)`);
        return session.state();
      }),
    );
    return joinStates(Object.fromEntries(apps.map(([app], i) => [app, states[i]!])));
  }

  /** Whether the app the key belongs to (`<app>/<its key>`) expects its state there to change. */
  expectsChange(key: string): boolean {
    const { session, own } = this.appOf(key);
    if (!session.expectsChange) throw new TypeError(`an app of this composite declares no expected changes (Session.expectsChange): ${key}`);
    return session.expectsChange(own);
  }

  /** Changes the state at `key` in the app it belongs to. */
  async touch(key: string): Promise<void> {
    const { session, own } = this.appOf(key);
    if (!session.touch) throw new TypeError(`an app of this composite cannot change its state for a check (Session.touch): ${key}`);
    await session.touch(own);
  }

  /** Changes as each app presents its own (`Session.presentChanges`), under the app's name again. */
  async presentChanges(changes: StateChange[]): Promise<StateChange[]> {
    const byApp = new Map<string, StateChange[]>();
    for (const change of changes) {
      const app = change.key.slice(0, change.key.indexOf('/'));
      byApp.set(app, [...(byApp.get(app) ?? []), change]);
    }
    const shown = new Map<string, StateChange>();
    for (const [app, own] of byApp) {
      const session = this.parts.apps[app];
      const unprefixed = own.map((c) => ({ ...c, key: c.key.slice(app.length + 1) }));
      const presented = session?.presentChanges ? await session.presentChanges(unprefixed) : unprefixed;
      for (const c of presented) shown.set(`${app}/${c.key}`, { ...c, key: `${app}/${c.key}` });
    }
    return changes.map((c) => shown.get(c.key) ?? c);
  }

  /** The app a joined state key names, and the key in that app's own terms. */
  private appOf(key: string): { session: Session; own: string } {
    const slash = key.indexOf('/');
    const session = slash > 0 ? this.parts.apps[key.slice(0, slash)] : undefined;
    if (!session) throw new TypeError(`no app of this composite owns the state key ${JSON.stringify(key)}`);
    return { session, own: key.slice(slash + 1) };
  }

  async expert(signal: AbortSignal, strategy: string): Promise<ExpertAction> {
    if (!this.parts.expert) throw new CallRefusedError('unsupported', 'this composite task has no expert');
    return this.parts.expert(strategy, signal);
  }

  /** Closes every app; the first failure is thrown once all of them had their turn. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const results = await Promise.allSettled(Object.values(this.parts.apps).map((session) => session.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** One section per app, titled with its name; `acting` marks the app the last call went to. */
  private compose(acting?: string): Observation {
    const sections: string[] = [];
    const images: Image[] = [];
    const seen = new Set<string>();
    const candidates: ToolCall[] = [];
    let rawSize = 0;
    for (const [app, observation] of this.last) {
      const state = acting === undefined ? '' : app === acting ? ' (after your last action)' : ' (as last shown)';
      sections.push(`=== ${app}${state} ===\n${observation.text ?? ''}`);
      rawSize += Number(observation.rawSize ?? Buffer.byteLength(observation.text ?? ''));
      for (const image of observation.images ?? []) images.push({ ...image, label: `${app}: ${image.label ?? ''}` });
      for (const call of observation.candidates ?? []) this.addCandidate(call, seen, candidates);
    }
    for (const spec of this.tools) if (spec.name === 'submit') this.addCandidate(toolCall('submit', {}), seen, candidates);
    const text = sections.join('\n\n');
    return { text, rawSize: Math.max(rawSize, Buffer.byteLength(text)), candidates, ...(images.length ? { images } : {}) };
  }

  /** An app's candidate, if the composite offers its tool and it is not listed yet, numbered anew. */
  private addCandidate(call: ToolCall, seen: Set<string>, out: ToolCall[]): void {
    const name = call.name ?? '';
    if (!this.tools.some((t) => t.name === name)) return;
    const key = `${name} ${call.argumentsJson ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ...call, id: `cand-${out.length + 1}` });
  }
}

/**
 * The tools of a composite of apps offering `apps` (tool specs by app name): every app's own
 * tools but the ending ones and those `omit` names, under their own names, then the composite's
 * ending tools. Two apps offering one name is a TypeError naming both. An env lists these as its
 * tools; CompositeSession offers them.
 */
export function compositeTools(apps: Readonly<Record<string, readonly ToolSpec[]>>, options: Pick<CompositeParts, 'omit' | 'ending'> = {}): ToolSpec[] {
  const owner = new Map<string, string>();
  const tools: ToolSpec[] = [];
  for (const [app, specs] of Object.entries(apps)) {
    const omitted = new Set(options.omit?.[app] ?? []);
    for (const spec of specs) {
      const name = spec.name!;
      if (ENDING_TOOLS.includes(name) || omitted.has(name)) continue;
      const other = owner.get(name);
      if (other !== undefined) throw new TypeError(`the apps ${other} and ${app} both offer a tool named ${JSON.stringify(name)}; omit it from one of them`);
      owner.set(name, app);
      tools.push(spec);
    }
  }
  const ending = options.ending ?? ['submit'];
  return [...tools, ...ENDING_TOOL_TABLE.specs.filter((spec) => ending.includes(spec.name as 'answer' | 'submit'))];
}

/** A composite session of `parts` (see CompositeSession); refuses, as a TypeError, two apps offering one tool name. */
export function composeSessions(parts: CompositeParts): CompositeSession {
  return new CompositeSession(parts);
}

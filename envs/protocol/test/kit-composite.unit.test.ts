import { describe, expect, it } from 'vitest';
import { ActionError, type Observation, type Session, type StepOutcome, type ValidToolCall, type Verdict } from '../src/index.js';
import { composeSessions, defineTools, z, type CompositeEnding, type StateChange } from '../src/kit/index.js';
import { toolCall } from '../src/tool-call.js';

const signal = new AbortController().signal;

/** A tiny app: a counter with its own `bump` tool (and a `submit` of its own, which the composite must own instead). */
class CounterApp implements Session {
  readonly instruction = 'count';
  readonly tools;
  count = 0;
  closed = false;
  observation: Observation;

  constructor(
    readonly tool = 'bump',
    private readonly failClose = false,
  ) {
    this.tools = defineTools({
      [tool]: { description: 'Add one.', args: z.strictObject({}) },
      submit: { description: 'Done.', args: z.strictObject({}) },
      answer: { description: 'Answer.', args: z.strictObject({ text: z.string() }) },
    }).specs;
    this.observation = this.show();
  }

  private show(): Observation {
    return { text: `count ${this.count}`, candidates: [toolCall(this.tool, {}, 'cand-1'), toolCall('submit', {}, 'cand-2')] };
  }

  async step(call: ValidToolCall): Promise<StepOutcome> {
    if (call.name !== this.tool) throw new ActionError('unknown_tool', `the counter got ${call.name}`);
    this.count += 1;
    this.observation = this.show();
    return { observation: this.observation };
  }

  async verify(): Promise<Verdict> {
    throw new Error('an app of a composite is never verified alone');
  }

  async state(): Promise<Record<string, string>> {
    return { count: String(this.count), label: this.tool };
  }

  expectsChange(key: string): boolean {
    return key === 'count';
  }

  async touch(key: string): Promise<void> {
    if (key === 'count') this.count += 10;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.failClose) throw new Error(`${this.tool} failed to close`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function pair(left = new CounterApp('bump'), right = new CounterApp('tick')) {
  const endings: CompositeEnding[] = [];
  const session = composeSessions({
    instruction: 'Bump twice, tick once.',
    apps: { left, right },
    ending: ['submit', 'answer'],
    async verify(ending) {
      endings.push(ending);
      const ok = left.count === 2 && right.count === 1;
      return { success: ok, components: { counts: ok ? 1 : 0 }, detail: `${left.count} ${right.count}` };
    },
  });
  return { session, left, right, endings };
}

describe('CompositeSession (kit)', () => {
  it('offers the union of the apps tools under their own names, with submit and answer once', () => {
    const { session } = pair();
    expect(session.tools.map((t) => t.name)).toEqual(['bump', 'tick', 'answer', 'submit']);
  });

  it('refuses two apps offering one tool name, naming both apps, unless one omits it', () => {
    expect(() => pair(new CounterApp('bump'), new CounterApp('bump'))).toThrow(/apps left and right both offer a tool named "bump"/);
    const session = composeSessions({
      instruction: 'x',
      apps: { left: new CounterApp('bump'), right: new CounterApp('bump') },
      omit: { right: ['bump'] },
      verify: async () => ({ success: false, components: {}, detail: '' }),
    });
    expect(session.tools.map((t) => t.name)).toEqual(['bump', 'submit']);
  });

  it('routes each call to the app owning its tool and shows one section per app', async () => {
    const { session, left, right } = pair();
    expect(session.observation.text).toBe('=== left ===\ncount 0\n\n=== right ===\ncount 0');
    const outcome = await session.step({ id: 'c1', name: 'tick', arguments: {} }, signal);
    expect([left.count, right.count]).toEqual([0, 1]);
    expect(outcome.info).toMatchObject({ app: 'right' });
    expect(outcome.observation.text).toBe('=== left (as last shown) ===\ncount 0\n\n=== right (after your last action) ===\ncount 1');
    // Every app's candidates, each app's own submit replaced by the composite's one, renumbered.
    expect(outcome.observation.candidates!.map((c) => [c.id, c.name])).toEqual([
      ['cand-1', 'bump'],
      ['cand-2', 'submit'],
      ['cand-3', 'tick'],
    ]);
  });

  it('ends on its own submit or answer, without passing them to an app, and verifies over every app', async () => {
    const { session, endings } = pair();
    await session.step({ id: 'c1', name: 'bump', arguments: {} }, signal);
    await session.step({ id: 'c2', name: 'bump', arguments: {} }, signal);
    await session.step({ id: 'c3', name: 'tick', arguments: {} }, signal);
    const end = await session.step({ id: 'c4', name: 'answer', arguments: { text: 'done' } }, signal);
    expect(end.terminated).toBe(true);
    expect(await session.verify(signal)).toMatchObject({ success: true });
    expect(endings).toEqual([{ answer: 'done', submitted: false }]);
    const other = pair();
    await other.session.step({ id: 'c1', name: 'submit', arguments: {} }, signal);
    expect(await other.session.verify(signal)).toMatchObject({ success: false });
    expect(other.endings).toEqual([{ answer: undefined, submitted: true }]);
  });

  it('has no expert unless one is given', async () => {
    await expect(pair().session.expert(signal, '')).rejects.toThrow(/no expert/);
  });

  it('closes every app even when one fails to close, then reports the failure', async () => {
    const { session, left, right } = pair(new CounterApp('bump', true), new CounterApp('tick'));
    await expect(session.close()).rejects.toThrow(/bump failed to close/);
    expect([left.closed, right.closed]).toEqual([true, true]);
    await expect(session.step({ id: 'c1', name: 'bump', arguments: {} }, signal)).rejects.toThrow(/closed/);
  });

  it("joins the apps' states under their names, and routes expected changes and touches to the app a key names", async () => {
    const { session, left, right } = pair();
    await session.step({ id: '1', name: 'bump', arguments: {} }, signal);
    expect(await session.state()).toEqual({ 'left/count': '1', 'left/label': 'bump', 'right/count': '0', 'right/label': 'tick' });
    expect([session.expectsChange('left/count'), session.expectsChange('right/label')]).toEqual([true, false]);
    await session.touch('right/count');
    expect([left.count, right.count]).toEqual([1, 10]);
    expect(() => session.expectsChange('middle/count')).toThrow('no app of this composite owns the state key "middle/count"');
  });
});

describe('CompositeSession presenting changes (kit)', () => {
  it('has each app present its own changes, under the app name again, in the order given', async () => {
    const left = Object.assign(new CounterApp('bump'), {
      presentChanges: async (changes: StateChange[]) => changes.map((c) => ({ ...c, after: `${c.after} bumps` })),
    });
    const { session } = pair(left);
    const changes = [
      { key: 'left/count', before: '0', after: '2' },
      { key: 'right/count', before: '0', after: '1' },
    ];
    expect(await session.presentChanges(changes)).toEqual([
      { key: 'left/count', before: '0', after: '2 bumps' },
      { key: 'right/count', before: '0', after: '1' },
    ]);
  });
});

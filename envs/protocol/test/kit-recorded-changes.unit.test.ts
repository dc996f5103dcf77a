import { describe, expect, it } from 'vitest';
import type { EpisodeSpec, Session } from '../src/index.js';
import { MAX_RECORDED_CHANGES, MAX_RECORDED_TOTAL_BYTES, MAX_RECORDED_VALUE_BYTES, recordChanges, type StateChange } from '../src/kit/index.js';
import { connectInProcess } from './helpers.js';
import { findCode, findCodeOrReport, NotesEnv } from './notes-env.js';

type Call = [string, Record<string, unknown>];

/** Plays `calls` on a fresh session of `family` and returns the last step's verdict, as a client decodes it. */
async function verdictOf(env: NotesEnv, family: string, seed: number, calls: Call[]) {
  const { client } = connectInProcess(env);
  const reset = await client.reset({ family, seed });
  let reply;
  for (const [i, [name, args]] of calls.entries()) reply = await client.step(reset.session, [{ id: `c${i}`, name, argumentsJson: JSON.stringify(args) }]);
  await client.close();
  return reply!.verdict!;
}

/** A notes env whose sessions are changed before the kit wraps them. */
class ChangedNotesEnv extends NotesEnv {
  constructor(private readonly change: (session: Session) => Partial<Session>) {
    super([findCode]);
  }

  protected override async open(spec: EpisodeSpec): Promise<Session> {
    const session = await super.open(spec);
    return Object.assign(session, this.change(session));
  }
}

const star = (number: number): Call => ['star_note', { number }];
const answer: Call = ['answer', { text: 'nothing' }];

describe('the changes a verdict records (kit)', () => {
  it('lists every change since the reset with the verdict, the detail beside them, over the wire', async () => {
    const verdict = await verdictOf(new NotesEnv(), 'notes/find-code', 5, [star(3), star(1), answer]);
    expect(verdict.changes.map((c) => [c.key, c.before, c.after])).toEqual([
      ['note:1', '', 'starred'],
      ['note:3', '', 'starred'],
    ]);
    expect(verdict.changesTruncated).toBe(false);
    expect(verdict.detail).toContain('changed what the task did not ask for: 2 things');
  });

  it('records nothing changed as no changes, and records the changes of a report too', async () => {
    expect((await verdictOf(new NotesEnv(), 'notes/find-code', 5, [answer])).changes).toEqual([]);
    const env = new NotesEnv([findCodeOrReport]);
    const seed = [0, 1, 2, 3].find((s) => env.catalogue.infeasible('notes/find-code-or-report', s))!;
    const reported = await verdictOf(env, 'notes/find-code-or-report', seed, [star(2), ['report_infeasible', { reason: 'no such note' }]]);
    expect(reported.changes.map((c) => c.key)).toEqual(['note:2']);
    expect(reported.detail).toContain('but changed 1 thing (note:2 changed) first');
  });

  it('shows the values the way the session presents them, keeping added and removed keys apart', async () => {
    let starred = false;
    const env = new ChangedNotesEnv((session) => ({
      state: async (): Promise<Record<string, string>> => (starred ? { 'note:new': 'starred', 'note:kept': 'b' } : { 'note:gone': 'x', 'note:kept': 'a' }),
      step: async (call, signal) => {
        if (call.name === 'star_note') starred = true;
        return Object.getPrototypeOf(session).step.call(session, call, signal);
      },
      presentChanges: async (changes: StateChange[]) => changes.map((c) => ({ ...c, ...(c.after !== undefined ? { after: `${c.after}!` } : {}) })),
    }));
    const verdict = await verdictOf(env, 'notes/find-code', 5, [star(1), answer]);
    expect(verdict.changes.map((c) => ({ key: c.key, before: c.before ?? undefined, after: c.after ?? undefined }))).toEqual([
      { key: 'note:gone', before: 'x', after: undefined },
      { key: 'note:kept', before: 'a', after: 'b!' },
      { key: 'note:new', before: undefined, after: 'starred!' },
    ]);
  });

  it('keeps the first changes by key up to the cap, and says some were left out', async () => {
    let starred = false;
    const many = (value: string) => Object.fromEntries(Array.from({ length: MAX_RECORDED_CHANGES + 50 }, (_, i) => [`k:${String(i).padStart(3, '0')}`, value]));
    const env = new ChangedNotesEnv((session) => ({
      state: async () => many(starred ? 'starred' : ''),
      step: async (call, signal) => {
        if (call.name === 'star_note') starred = true;
        return Object.getPrototypeOf(session).step.call(session, call, signal);
      },
    }));
    const verdict = await verdictOf(env, 'notes/find-code', 5, [star(1), answer]);
    expect(verdict.changes).toHaveLength(MAX_RECORDED_CHANGES);
    expect(verdict.changes.at(-1)!.key).toBe(`k:${MAX_RECORDED_CHANGES - 1}`);
    expect(verdict.changesTruncated).toBe(true);
  });

  it('cuts a long value on a character boundary and marks it, and stops at the total', async () => {
    // 'é' is two bytes: the cap falls inside one, and the cut keeps whole characters only.
    const long = `x${'é'.repeat(MAX_RECORDED_VALUE_BYTES)}`;
    const { changes, changesTruncated } = await recordChanges([{ key: 'a', before: 'short', after: long }]);
    expect(changes[0]).toMatchObject({ key: 'a', before: 'short', truncated: true });
    expect(Buffer.byteLength(changes[0]!.after!)).toBe(MAX_RECORDED_VALUE_BYTES - 1);
    expect(long.startsWith(changes[0]!.after!)).toBe(true);
    expect(changesTruncated).toBe(false);
    const big = 'y'.repeat(MAX_RECORDED_VALUE_BYTES);
    const fitting = Math.floor(MAX_RECORDED_TOTAL_BYTES / MAX_RECORDED_VALUE_BYTES);
    const all = Array.from({ length: fitting + 3 }, (_, i) => ({ key: `k${i}`, after: big }));
    const total = await recordChanges(all);
    expect(total.changes).toHaveLength(fitting);
    expect(total.changes.every((c) => c.truncated === undefined)).toBe(true);
    expect(total.changesTruncated).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { assertEnvConforms, checkEnv, type Environment, type EpisodeSpec, type Session } from '../src/index.js';
import { CounterEnv } from '../src/testing/index.js';
import { connectInProcess } from './helpers.js';

type Defect =
  | 'random-reset'
  | 'lazy-expert'
  | 'generous-verifier'
  | 'bad-schema'
  | 'peeking-expert'
  | 'undeclared-value'
  | 'silent-expert'
  | 'no-expert'
  | 'condition-that-does-not-matter'
  | 'lucky-guess'
  | 'undeclared-component'
  | 'free-partial-credit';

/** A CounterEnv with one defect switched on, to show checkEnv catches it. */
function broken(defect: Defect): Environment {
  const env = new CounterEnv();
  return {
    name: env.name,
    version: env.version,
    maxSessions: 4,
    families: () => env.families(),
    tools: () => env.tools(),
    reset: async (spec: EpisodeSpec, signal: AbortSignal) => {
      const seed = defect === 'random-reset' ? Math.floor(Math.random() * 1e6) : spec.seed;
      const session = await env.reset({ ...spec, seed });
      void signal;
      return withDefect(defect, session);
    },
    close: () => env.close(),
    [Symbol.asyncDispose]: () => env.close(),
  };
}

function withDefect(defect: Defect, session: Session): Session {
  const copy = (changes: Partial<Session>): Session => Object.assign(Object.create(Object.getPrototypeOf(session)), session, changes);
  const original = session.expert!;
  // The copy's own expert, so that it reads the copy's state.
  const expert = function (this: Session, signal: AbortSignal, strategy: string) {
    return original.call(this, signal, strategy);
  };
  switch (defect) {
    case 'lazy-expert':
      return copy({ expert: async () => ({ calls: [call('submit')], text: 'Done.' }) });
    case 'no-expert':
      return copy({ expert: undefined });
    case 'generous-verifier':
      return copy({ verify: async () => ({ reward: 1, success: true, components: { reached: 1, submitted: 1 } }) });
    case 'condition-that-does-not-matter':
      // Dropping the target still solves the task (the relaxed expert plays the default).
      return copy({
        async expert(this: Session, signal: AbortSignal, strategy: string) {
          return expert.call(this, signal, strategy === 'relax:target' ? 'jump' : strategy);
        },
      });
    case 'lucky-guess':
      // The constant attempt is right on every seed.
      return copy({
        async expert(this: Session, signal: AbortSignal, strategy: string) {
          return expert.call(this, signal, strategy === 'guess:add-ten' ? 'jump' : strategy);
        },
      });
    case 'undeclared-component': {
      const verify = session.verify.bind(session);
      return copy({ verify: async (signal) => ({ ...(await verify(signal)), components: { reached: 0, submitted: 0, style: 1 } }) });
    }
    case 'free-partial-credit': {
      // Pays "submitted" (the second progress component) without the counter reached: shaped
      // reward gives it nothing, so only a verifier that claims "reached" is caught.
      const verify = session.verify.bind(session);
      return copy({
        verify: async (signal) => {
          const v = await verify(signal);
          return { ...v, components: { ...v.components, reached: 1 } };
        },
      });
    }
    case 'bad-schema':
      return copy({ tools: [{ name: 'add', description: 'x', parametersJson: '{"type": 12}' }, ...session.tools.slice(1)] });
    case 'silent-expert':
      return copy({
        async expert(this: Session, signal: AbortSignal, strategy: string) {
          return { ...(await expert.call(this, signal, strategy)), text: '' };
        },
      });
    case 'peeking-expert':
      // The target is no longer in the instruction, but the expert still adds the difference.
      return hideTarget(copy({}));
    case 'undeclared-value':
      return hideTarget(
        copy({
          async expert(this: Session, signal: AbortSignal, strategy: string) {
            return { ...(await expert.call(this, signal, strategy)), derived: [] };
          },
        }),
      );
    default:
      return session;
  }
}

function hideTarget(session: Session): Session {
  return Object.assign(session, { instruction: 'Bring the counter to the target, then submit.' });
}

function call(name: string, args: Record<string, unknown> = {}) {
  return { id: 'x', name, argumentsJson: JSON.stringify(args) };
}

describe('checkEnv', () => {
  it('passes a conforming env on every check', async () => {
    const { client } = connectInProcess(new CounterEnv());
    const report = await assertEnvConforms(client, { seeds: [2, 3] });
    expect(report.results.filter((r) => r.ok)).toHaveLength(report.results.length);
    expect(new Set(report.results.map((r) => r.check))).toEqual(
      new Set([
        'catalogue',
        'deterministic reset',
        'tool schemas',
        'invalid calls give error observations',
        'expert solves the task',
        'expert acts only on what it was shown',
        'expert says why',
        'near-miss overshoot does not succeed',
        'expert strategy walk solves the task',
        'doing nothing fails',
        'submitting at once fails',
        'reporting infeasible at once fails',
        'relaxation',
        'guessing floor',
      ]),
    );
    expect(report.results.find((r) => r.check === 'relaxation')?.detail).toBe('target each dropped on 20 seeds: no success, shaped reward 0');
    expect(report.results.find((r) => r.check === 'guessing floor')?.detail).toMatch(/^succeeded: add-ten [0-2]\/50$/);
    await client.close();
  });

  it.each([
    ['random-reset', 'deterministic reset'],
    ['lazy-expert', 'expert solves the task'],
    ['generous-verifier', 'doing nothing fails'],
    ['bad-schema', 'tool schemas'],
    ['generous-verifier', 'near-miss overshoot does not succeed'],
    ['peeking-expert', 'expert acts only on what it was shown'],
    ['undeclared-value', 'expert acts only on what it was shown'],
    ['silent-expert', 'expert says why'],
    ['condition-that-does-not-matter', 'relaxation'],
    ['lucky-guess', 'guessing floor'],
    ['undeclared-component', 'expert solves the task'],
    ['free-partial-credit', 'submitting at once fails'],
  ] as const)('catches an env with a %s defect', async (defect, check) => {
    const { client } = connectInProcess(broken(defect));
    // Seed 2's default strategy jumps to the target in one call.
    const report = await checkEnv(client, { seeds: [2] });
    expect(report.ok).toBe(false);
    expect(report.results.filter((r) => !r.ok).map((r) => r.check)).toContain(check);
    await expect(assertEnvConforms(client, { seeds: [2] })).rejects.toThrow(check);
    await client.close();
  });

  it('skips the relaxation and guessing-floor cases asked for on no seeds, saying so, and plays them on the seeds asked', async () => {
    // A guess that always succeeds: skipped on no seeds, caught on one.
    const { client } = connectInProcess(broken('lucky-guess'));
    const none = await checkEnv(client, { seeds: [2], relaxationSeeds: [], guessSeeds: [] });
    expect(none.ok).toBe(true);
    expect(none.results.filter((r) => r.skipped && !r.skipped.startsWith('the family'))).toEqual([
      { check: 'relaxation', family: 'counter/reach-target', ok: true, skipped: 'no relaxation seeds were asked for' },
      { check: 'guessing floor', family: 'counter/reach-target', ok: true, skipped: 'no guess seeds were asked for' },
    ]);
    const one = await checkEnv(client, { seeds: [2], relaxationSeeds: [], guessSeeds: [1] });
    expect(one.results.find((r) => r.check === 'guessing floor')).toMatchObject({ ok: false });
    await client.close();
  });

  it('fails a family with no expert, unless it is one that may have none (a task set), whose expert checks it skips, saying why', async () => {
    const failed = await checkEnv(connectInProcess(broken('no-expert')).client, { seeds: [1] });
    expect(failed.ok).toBe(false);
    expect(failed.results.find((r) => r.check === 'expert solves the task')).toMatchObject({ ok: false, message: expect.stringMatching(/unsupported/) });
    const report = await checkEnv(connectInProcess(broken('no-expert')).client, { seeds: [1], expertOptional: ['counter/reach-target'] });
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    // Near-misses and other strategies are the expert's too.
    const skipped = (check: string, seed?: number) => ({
      check,
      family: 'counter/reach-target',
      ...(seed ? { seed } : {}),
      ok: true,
      skipped: 'the family has no expert',
    });
    expect(report.results.filter((r) => r.skipped)).toEqual([
      ...[
        'expert solves the task',
        'expert acts only on what it was shown',
        'expert says why',
        'near-miss overshoot does not succeed',
        'expert strategy jump solves the task',
      ].map((check) => skipped(check, 1)),
      skipped('relaxation'),
      skipped('guessing floor'),
    ]);
    expect(report.results.filter((r) => r.check === 'doing nothing fails' || r.check === 'submitting at once fails').every((r) => r.ok && !r.skipped)).toBe(
      true,
    );
  });
});

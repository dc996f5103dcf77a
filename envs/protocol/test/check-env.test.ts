import { describe, expect, it } from 'vitest';
import { assertEnvConforms, checkEnv, type Environment, type EpisodeSpec } from '../src/index.js';
import { CounterEnv } from '../src/testing/index.js';
import { connectInProcess } from './helpers.js';

/** A CounterEnv with one defect switched on, to show checkEnv catches it. */
function broken(defect: 'random-reset' | 'lazy-expert' | 'generous-verifier' | 'bad-schema'): Environment {
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
      if (defect === 'lazy-expert') session.expert = async () => [{ id: 'x', name: 'submit', argumentsJson: '{}' }];
      if (defect === 'generous-verifier') session.verify = async () => ({ reward: 1, success: true });
      if (defect === 'bad-schema') {
        return Object.assign(Object.create(Object.getPrototypeOf(session)), session, {
          tools: [{ name: 'add', description: 'x', parametersJson: '{"type": 12}' }, ...session.tools.slice(1)],
        });
      }
      void signal;
      return session;
    },
  };
}

describe('checkEnv', () => {
  it('passes a conforming env on every check', async () => {
    const { client } = connectInProcess(new CounterEnv());
    const report = await assertEnvConforms(client, { seeds: [1, 2, 3] });
    expect(report.results.filter((r) => r.ok)).toHaveLength(report.results.length);
    expect(new Set(report.results.map((r) => r.check))).toEqual(
      new Set([
        'catalogue',
        'deterministic reset',
        'tool schemas',
        'invalid calls give error observations',
        'expert solves the task',
        'doing nothing fails',
        'submitting at once fails',
      ]),
    );
    await client.close();
  });

  it.each([
    ['random-reset', 'deterministic reset'],
    ['lazy-expert', 'expert solves the task'],
    ['generous-verifier', 'doing nothing fails'],
    ['bad-schema', 'tool schemas'],
  ] as const)('catches an env with a %s defect', async (defect, check) => {
    const { client } = connectInProcess(broken(defect));
    const report = await checkEnv(client, { seeds: [1] });
    expect(report.ok).toBe(false);
    expect(report.results.filter((r) => !r.ok).map((r) => r.check)).toContain(check);
    await expect(assertEnvConforms(client, { seeds: [1] })).rejects.toThrow(check);
    await client.close();
  });
});

// The generators of the code families with people: the fact only the person knows decides the
// hidden results (the three specs, or the placeholder and the real setting, give another result on
// every hidden case and the same on every visible example), it varies by seed, and the person's
// data holds up (the kit refuses a cast whose paraphrases or generic messages go wrong).
import { describe, expect, it } from 'vitest';
import { Rng } from '@workgym/protocol';
import { People } from '@workgym/protocol/kit';
import { CodeEnv } from '../src/index.js';
import { drawConfig, pyAskConfig, settingResult } from '../src/tasks/py-ask-config.js';
import type { Json } from '../src/tasks/function-specs.js';
import { drawSpecs, pyAskSpec, ruleResult, SPEC_FILES } from '../src/tasks/py-ask-spec.js';

const env = new CodeEnv([pyAskSpec, pyAskConfig]);
const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('code/py-ask-spec', () => {
  it('draws three specs that agree on every visible example and each differ from each other on every hidden case', () => {
    const kinds = new Set<string>();
    for (const seed of SEEDS) {
      const { kind, rules, holds, visible, hidden } = drawSpecs(new Rng(seed));
      kinds.add(kind.name);
      const results = (args: Json[]) => new Set(rules.map((rule) => JSON.stringify(ruleResult(kind, rule, args)))).size;
      expect(visible).toHaveLength(3);
      for (const args of visible) expect(results(args), `seed ${seed}`).toBe(1);
      expect(hidden.length).toBeGreaterThanOrEqual(8);
      for (const args of hidden) expect(results(args), `seed ${seed}`).toBe(3);
      expect(new Set(hidden.map((args) => JSON.stringify(ruleResult(kind, rules[holds]!, args)))).size).toBeGreaterThanOrEqual(2);
    }
    expect([...kinds].sort()).toEqual(['discount_cents', 'order_tickets', 'round_refund']);
  });

  it('varies which spec holds by seed, the reference follows it, and the person names it (a slip names another first)', () => {
    const held = new Map<string, number>();
    const slips: string[] = [];
    for (const seed of SEEDS) {
      const instance = env.instance('code/py-ask-spec', seed);
      const fact = new People(env.catalogue.people('code/py-ask-spec', seed)).cast[0]!.facts[0]!;
      held.set(fact.value, (held.get(fact.value) ?? 0) + 1);
      const path = SPEC_FILES.find((p) => p.includes(fact.value))!;
      const rule = /^Rule: (.*)$/m.exec(instance.files[path]!)![1]!;
      const reference = Object.values((instance.check as { reference: Record<string, string> }).reference)[0]!;
      expect(reference).toContain(rule);
      expect(instance.instruction).not.toContain(rule);
      if (fact.slip !== undefined) {
        slips.push(fact.slip);
        expect(fact.slip).not.toContain(fact.value);
      }
    }
    expect([...held.keys()].sort()).toEqual(['spec-v1', 'spec-v2', 'spec-v3']);
    // Picking one spec unasked (the newest, say) is right on about a third of the seeds.
    for (const [spec, seeds] of held) expect(seeds, spec).toBeLessThanOrEqual(SEEDS.length / 2);
    expect(slips.length).toBeGreaterThan(0);
    expect(slips.length).toBeLessThan(SEEDS.length / 2);
  });
});

describe('code/py-ask-config', () => {
  it('draws a value the placeholder differs from on every hidden case, passing the setting explicitly in the visible examples', () => {
    for (const seed of SEEDS) {
      const { setting, value, visible, hidden } = drawConfig(new Rng(seed));
      expect(value).not.toBe(setting.placeholder);
      for (const args of visible) expect(args).toHaveLength(2);
      expect(hidden.length).toBeGreaterThanOrEqual(8);
      for (const [input] of hidden)
        expect(same(settingResult(setting, input!, value), settingResult(setting, input!, setting.placeholder)), `seed ${seed}`).toBe(false);
    }
  });

  it('varies the value by seed; the reference sets it, and the workspace and the instruction hold only the placeholder', () => {
    const values = new Set<string>();
    for (const seed of SEEDS) {
      const instance = env.instance('code/py-ask-config', seed);
      const fact = new People(env.catalogue.people('code/py-ask-config', seed)).cast[0]!.facts[0]!;
      values.add(fact.value);
      const [path, reference] = Object.entries((instance.check as { reference: Record<string, string> }).reference)[0]!;
      const constant = /^([A-Z_]+) = (.*?)( {2}#.*)?$/m.exec(reference)!;
      expect(constant[2]!.replaceAll("'", '')).toBe(fact.value);
      expect(instance.files[path]).toMatch(new RegExp(`^${constant[1]} = .*  # placeholder`, 'm'));
      expect(instance.files[path]).not.toContain(`${constant[1]} = ${constant[2]}\n`);
    }
    expect(values.size).toBeGreaterThanOrEqual(8);
  });
});

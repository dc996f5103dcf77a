import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CallRefusedError, Rng, splitSeed, type EpisodeSpec, type Observation, type Session } from '../src/index.js';
import {
  candidateCalls,
  canonicalJson,
  defineTools,
  describeChanges,
  diffStates,
  drawUntil,
  EnvBase,
  expertAction,
  FamilyCatalogue,
  infeasibleSeed,
  instanceRng,
  joinStates,
  REPORT_INFEASIBLE_TOOL,
  z,
  type FamilyDef,
} from '../src/kit/index.js';
import { envManifest } from '../src/kit/manifest.js';

const tools = defineTools({
  move: {
    description: 'Move by a number of steps.',
    args: z.strictObject({ steps: z.number().int().min(1).describe('How far.'), note: z.string().optional() }),
  },
  submit: { description: 'End the episode.', args: z.strictObject({}) },
});

describe('defineTools', () => {
  it('publishes each tool with its description and the JSON Schema of its zod object, in definition order', () => {
    expect(tools.names).toEqual(['move', 'submit']);
    expect(tools.specs[0]).toEqual({
      name: 'move',
      description: 'Move by a number of steps.',
      parametersJson: JSON.stringify(z.toJSONSchema(z.strictObject({ steps: z.number().int().min(1).describe('How far.'), note: z.string().optional() }))),
    });
    const schema = JSON.parse(tools.specs[0]!.parametersJson!) as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.required).toEqual(['steps']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.steps!.description).toBe('How far.');
  });

  it('selects tools by name in the order asked and knows which names it has', () => {
    expect(tools.select(['submit', 'move']).map((t) => t.name)).toEqual(['submit', 'move']);
    expect(tools.has('move')).toBe(true);
    expect(tools.has('jump')).toBe(false);
  });

  it('parses a call the schema accepts into typed arguments', () => {
    const args = tools.parse('move', { steps: 3 });
    const steps: number = args.steps;
    expect(steps).toBe(3);
    expect(() => tools.parse('move', { steps: 0 })).toThrow();
  });
});

interface Walk {
  target: number;
}

const family = (name: string, job?: string): FamilyDef<Walk> => ({
  name,
  job,
  difficulty: 'easy',
  description: `Walk (${name}).`,
  strategies: ['stride', 'step'],
  nearMisses: ['overshoot'],
  components: [],
  generate: (rng) => ({ target: rng.int(0, 1_000_000) }),
});

describe('FamilyCatalogue', () => {
  const declared: FamilyDef<Walk> = {
    ...family('short'),
    components: [
      { name: 'arrived', kind: 'progress' },
      { name: 'nothing_trampled', kind: 'guard' },
    ],
    conditions: ['distance'],
    guesses: ['ten-steps'],
  };
  const catalogue = new FamilyCatalogue('walk', [declared, family('long', 'courier')], {
    job: 'walker',
    external: [{ id: 'walk/outside', job: 'walker', difficulty: 'hard', splits: ['train'] }],
    verifierVersions: { short: '5d41402abc4b2a76' },
  });

  it('lists every family as <env>/<name> with its job (or the env default), both splits, strategies, near-misses, declared components (progress 0, guard 1), conditions, guesses and verifier version, then the external ones', () => {
    expect(catalogue.families).toEqual([
      {
        id: 'walk/short',
        job: 'walker',
        difficulty: 'easy',
        description: 'Walk (short).',
        splits: ['train', 'test'],
        strategies: ['stride', 'step'],
        nearMisses: ['overshoot'],
        components: [
          { name: 'arrived', kind: 0 },
          { name: 'nothing_trampled', kind: 1 },
        ],
        conditions: ['distance'],
        guesses: ['ten-steps'],
        tiers: [],
        heldOut: false,
        verifierVersion: '5d41402abc4b2a76',
        features: [],
      },
      {
        id: 'walk/long',
        job: 'courier',
        difficulty: 'easy',
        description: 'Walk (long).',
        splits: ['train', 'test'],
        strategies: ['stride', 'step'],
        nearMisses: ['overshoot'],
        components: [],
        conditions: [],
        guesses: [],
        tiers: [],
        heldOut: false,
        verifierVersion: '',
        features: [],
      },
      { id: 'walk/outside', job: 'walker', difficulty: 'hard', splits: ['train'] },
    ]);
  });

  it('refuses a family without a job when the catalogue has no default', () => {
    expect(() => new FamilyCatalogue('walk', [family('short')])).toThrow('walk/short names no job');
  });

  it('generates instances with the one seeding rule: splitSeed, whatever the family', () => {
    expect(catalogue.instance('walk/short', 7)).toEqual(family('x').generate(new Rng(splitSeed('train', 7)), 0, 'easy', { infeasible: false }));
    expect(catalogue.instance('walk/long', 7, 'test')).toEqual(family('x').generate(new Rng(splitSeed('test', 7)), 0, 'easy', { infeasible: false }));
    expect(instanceRng('test', 7).next()).toBe(new Rng(splitSeed('test', 7)).next());
    expect(() => catalogue.instance('walk/short', 7, 'validation')).toThrow('no split "validation"');
  });

  it('draws each instance its tier from a generator of its own: every tier comes up, the rest of the instance is as without tiers, and the catalogue lists the tiers and held-out families', () => {
    const tiered: FamilyDef<Walk & { tier: string }> = {
      ...family('tiered'),
      tiers: ['easy', 'medium', 'hard'],
      heldOut: true,
      generate: (rng, _task, tier) => ({ target: rng.int(0, 1_000_000), tier }),
    };
    const withTiers = new FamilyCatalogue('walk', [tiered, family('plain')], { job: 'walker' });
    const seeds = Array.from({ length: 60 }, (_, i) => i);
    const tiers = seeds.map((seed) => withTiers.tier('walk/tiered', seed));
    expect(new Set(tiers)).toEqual(new Set(['easy', 'medium', 'hard']));
    for (const seed of seeds) {
      const instance = withTiers.instance('walk/tiered', seed) as Walk & { tier: string };
      expect(instance.tier).toBe(tiers[seed]);
      expect(instance.target).toBe(withTiers.instance('walk/plain', seed).target);
    }
    expect(withTiers.tier('walk/plain', 3)).toBe('easy');
    expect(withTiers.families.map((f) => [f.tiers, f.heldOut])).toEqual([
      [['easy', 'medium', 'hard'], true],
      [[], false],
    ]);
    expect(() => new FamilyCatalogue('walk', [{ ...tiered, tiers: ['easy', 'easy'] }], { job: 'walker' })).toThrow('declares a tier twice');
  });

  it('refuses an unknown id with the protocol unknown_family code, and does not generate external families', () => {
    for (const id of ['walk/nope', 'walk/outside']) {
      expect(() => catalogue.get(id)).toThrow(CallRefusedError);
      expect(() => catalogue.get(id)).toThrow(`no task family "${id}" in walk`);
    }
    expect(catalogue.find('walk/long')?.job).toBe('courier');
  });
});

describe('expert steps and candidates as protocol calls', () => {
  it('gives the step its id and declares its derived values (none when it computed nothing)', () => {
    expect(expertAction({ call: { name: 'move', arguments: { steps: 2 } }, text: 'why' }, 'expert-3')).toEqual({
      calls: [{ id: 'expert-3', name: 'move', argumentsJson: '{"steps":2}' }],
      text: 'why',
      derived: [],
    });
    expect(
      candidateCalls([
        { name: 'submit', arguments: {} },
        { name: 'move', arguments: { steps: 1 } },
      ]).map((c) => c.id),
    ).toEqual(['cand-1', 'cand-2']);
  });
});

class WalkSession implements Session {
  readonly instruction = 'walk';
  readonly tools = tools.specs;
  readonly observation: Observation = { text: 'start' };
  closes = 0;

  async step() {
    return { observation: this.observation };
  }

  async verify() {
    return { reward: 0.5, success: false };
  }

  async close() {
    this.closes += 1;
  }

  [Symbol.asyncDispose]() {
    return this.close();
  }
}

class WalkEnv extends EnvBase<FamilyDef<Walk>> {
  readonly opened: WalkSession[] = [];
  released = 0;

  constructor() {
    super({ name: 'walk', version: '1.0.0', maxSessions: 3 }, new FamilyCatalogue('walk', [family('short')], { job: 'walker' }), tools.specs);
  }

  protected async open(spec: EpisodeSpec): Promise<Session> {
    this.catalogue.get(spec.family);
    const session = new WalkSession();
    this.opened.push(session);
    return session;
  }

  protected override async release(): Promise<void> {
    this.released += 1;
  }
}

const spec = (seed: number): EpisodeSpec => ({ family: 'walk/short', seed, split: 'train', options: {} });

describe('EnvBase', () => {
  it('answers families, tools and instances from its catalogue and tool table', () => {
    const env = new WalkEnv();
    expect(env.families().map((f) => f.id)).toEqual(['walk/short']);
    expect(env.tools()).toEqual([...tools.specs, ...REPORT_INFEASIBLE_TOOL.specs]);
    expect(env.instance('walk/short', 3)).toEqual(env.catalogue.instance('walk/short', 3, 'train'));
    expect([env.name, env.version, env.maxSessions, env.capabilities]).toEqual(['walk', '1.0.0', 3, []]);
  });

  it('closes the sessions still open when it closes, then releases its own resources', async () => {
    const env = new WalkEnv();
    const signal = new AbortController().signal;
    const first = await env.reset(spec(1), signal);
    await env.reset(spec(2), signal);
    await first.close();
    await env.close();
    expect(env.opened.map((s) => s.closes)).toEqual([1, 1]);
    expect(env.released).toBe(1);
  });

  it('is disposable, and its sessions are', async () => {
    const signal = new AbortController().signal;
    let env: WalkEnv;
    {
      await using disposable = new WalkEnv();
      env = disposable;
      await using session = await env.reset(spec(1), signal);
      expect(session.instruction).toBe('walk');
    }
    expect(env.opened[0]!.closes).toBe(1);
    expect(env.released).toBe(1);
  });

  it('hands out sessions that pass the env session through, with report_infeasible added: state, steps and (only where it has one) the expert', async () => {
    const env = new WalkEnv();
    const session = await env.reset(spec(1), new AbortController().signal);
    expect(session.observation).toEqual({ text: 'start' });
    expect(session.tools).toEqual([...tools.specs, ...REPORT_INFEASIBLE_TOOL.specs]);
    // A family without components keeps its env's own reward (the server's shaped reward is it).
    expect(await session.verify(new AbortController().signal)).toEqual({ reward: 0.5, success: false, infeasible: false });
    expect(session.expert).toBeUndefined();
    await env.close();
  });
});

describe('envManifest', () => {
  it('places the server beside the manifest module and the image folder one level up', () => {
    const url = new URL('file:///repo/envs/walk/src/manifest.ts');
    const manifest = envManifest(url.href, { name: 'walk', create: async () => new WalkEnv(), docker: { pidsLimit: 10 } });
    expect(manifest.serverEntry).toBe(fileURLToPath(new URL('file:///repo/envs/walk/src/server.ts')));
    expect(manifest.imageDir).toBe(fileURLToPath(new URL('file:///repo/envs/walk/image')));
    expect(manifest.docker).toEqual({ pidsLimit: 10 });
    expect(envManifest('file:///repo/envs/walk/dist/manifest.js', { name: 'walk', create: async () => new WalkEnv() }).serverEntry).toBe(
      '/repo/envs/walk/dist/server.js',
    );
  });
});

describe('drawUntil', () => {
  it('draws from the same rng until the guarantee holds, so a seed still gives one task', () => {
    const draw = (rng: Rng) => rng.int(0, 9);
    const first = drawUntil(new Rng(7), draw, (n) => n === 3);
    expect(first).toBe(3);
    expect(drawUntil(new Rng(7), draw, (n) => n === 3)).toBe(first);
  });

  it('fails loudly when the guarantee never holds, instead of looping', () => {
    let draws = 0;
    expect(() =>
      drawUntil(
        new Rng(1),
        (rng) => (draws++, rng.next()),
        () => false,
      ),
    ).toThrow('no task meeting its guarantees in 500 draws');
    expect(draws).toBe(500);
  });
});

describe('state snapshots and infeasible seeds', () => {
  it('diffs two snapshots key by key: changed, added and removed, in key order', () => {
    const changes = diffStates({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' });
    expect(changes).toEqual([
      { key: 'b', before: '2', after: '9' },
      { key: 'c', before: '3' },
      { key: 'd', after: '4' },
    ]);
    expect(describeChanges(changes, 2)).toBe('3 things (b changed, c removed, and 1 more)');
    expect(diffStates({ a: '1' }, { a: '1' })).toEqual([]);
  });

  it('writes records canonically and joins the snapshots of several apps under their names', () => {
    expect(canonicalJson({ b: [{ y: 1, x: 2 }], a: null })).toBe(canonicalJson({ a: null, b: [{ x: 2, y: 1 }] }));
    expect(joinStates({ browser: { 'site:shop/1': '{}' }, sheet: { 'cell:A1': '2' } })).toEqual({ 'browser/site:shop/1': '{}', 'sheet/cell:A1': '2' });
  });

  it('makes exactly one seed in every four infeasible, at places that differ by block, split and family', () => {
    for (const split of ['train', 'test']) {
      for (let block = 0; block < 50; block++) {
        const seeds = [0, 1, 2, 3].map((i) => block * 4 + i);
        expect(seeds.filter((seed) => infeasibleSeed('walk/short', split, seed))).toHaveLength(1);
      }
    }
    const places = (family: string, split: string) =>
      Array.from({ length: 50 }, (_, block) => [0, 1, 2, 3].findIndex((i) => infeasibleSeed(family, split, block * 4 + i)));
    expect(new Set(places('walk/short', 'train')).size).toBe(4);
    expect(places('walk/short', 'train')).not.toEqual(places('walk/short', 'test'));
    expect(places('walk/short', 'train')).not.toEqual(places('walk/long', 'train'));
  });
});

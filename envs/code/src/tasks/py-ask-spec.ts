import type { Rng } from '@workgym/protocol';
import type { Person } from '@workgym/protocol/kit';
import { evaluateJs, type Json } from './function-specs.js';
import { askPersonTask, PERSON_NAMES, personId } from './shapes/ask-person.js';
import { FUNCTION_GUESSES, IMPLEMENT_STRATEGIES } from './shapes/implement-function.js';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

/** One rule a spec can state: its sentence, the Python body and a JavaScript twin (the generator's own copy). */
export interface SpecRule {
  doc: string;
  py: string;
  js: string;
}

/** The three rules of one function, one per spec. */
export type SpecRules = [SpecRule, SpecRule, SpecRule];

/** A function three specs disagree about: its rules drawn with their constants, and its inputs. */
interface SpecKind {
  module: string;
  name: string;
  params: string;
  topic: string;
  purpose: string;
  rules(rng: Rng): SpecRules;
  input(rng: Rng): Json[];
}

const TEAMS = ['Ada Novak', 'Ben Carter', 'Ines Duarte', 'Kofi Asante'];

const KINDS: readonly SpecKind[] = [
  {
    module: 'refunds',
    name: 'round_refund',
    params: 'cents',
    topic: 'Refund rounding',
    purpose: 'return the refund for an amount in cents, rounded as the spec says',
    rules(rng) {
      const step = rng.pick([5, 10, 25, 50]);
      return [
        {
          doc: `Refund amounts are rounded to the nearest multiple of ${step} cents; an amount exactly halfway between two multiples rounds up.`,
          py: `return (cents * 2 + ${step}) // ${2 * step} * ${step}`,
          js: `function round_refund(cents) { return Math.floor((cents * 2 + ${step}) / ${2 * step}) * ${step}; }`,
        },
        {
          doc: `Refund amounts are rounded up to the next multiple of ${step} cents; an amount that already is a multiple stays as it is.`,
          py: `return -(-cents // ${step}) * ${step}`,
          js: `function round_refund(cents) { return Math.ceil(cents / ${step}) * ${step}; }`,
        },
        {
          doc: `Refund amounts are rounded up to the next multiple of ${2 * step} cents; an amount that already is a multiple stays as it is.`,
          py: `return -(-cents // ${2 * step}) * ${2 * step}`,
          js: `function round_refund(cents) { return Math.ceil(cents / ${2 * step}) * ${2 * step}; }`,
        },
      ];
    },
    // Whole dollars now and then: the amounts all three rules leave as they are.
    input: (rng) => [rng.int(0, 3) === 0 ? rng.int(1, 30) * 100 : rng.int(1, 3000)],
  },
  {
    module: 'tickets',
    name: 'order_tickets',
    params: 'tickets',
    topic: 'Ticket queue order',
    purpose: 'return the tickets, each a [name, priority] pair, in the order the queue shows them',
    rules() {
      return [
        {
          doc: 'Tickets are listed highest priority first; tickets of equal priority are listed by name, A to Z.',
          py: 'return sorted(tickets, key=lambda t: (-t[1], t[0]))',
          js: 'function order_tickets(tickets) { return [...tickets].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); }',
        },
        {
          doc: 'Tickets are listed highest priority first; tickets of equal priority keep the order they arrived in.',
          py: 'return sorted(tickets, key=lambda t: -t[1])',
          js: 'function order_tickets(tickets) { return [...tickets].sort((a, b) => b[1] - a[1]); }',
        },
        {
          doc: 'Tickets are listed highest priority first; tickets of equal priority are listed by name, Z to A.',
          py: 'return sorted(sorted(tickets, key=lambda t: t[0], reverse=True), key=lambda t: -t[1])',
          js: 'function order_tickets(tickets) { return [...tickets].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0)); }',
        },
      ];
    },
    // Sometimes every priority differs (the rules agree), sometimes several tie.
    input(rng) {
      const names = rng.sample(['backup', 'billing', 'cache', 'deploy', 'email', 'login', 'mobile', 'search', 'upload'], rng.int(3, 6));
      const priorities = rng.int(0, 2) === 0 ? rng.sample([1, 2, 3, 4, 5, 6], names.length) : names.map(() => rng.int(1, 3));
      return [names.map((name, i) => [name, priorities[i]!])];
    },
  },
  {
    module: 'orders',
    name: 'discount_cents',
    params: 'total',
    topic: 'Order discounts',
    purpose: 'return the discount in cents for an order total in cents',
    rules(rng) {
      const low = rng.pick([2000, 3000, 4000, 5000]);
      const high = low + rng.pick([1000, 2000, 3000]);
      const [small, middle, big] = rng.pick([
        [5, 10, 15],
        [10, 15, 20],
        [5, 10, 20],
      ] as const);
      return [
        {
          doc: `Orders of ${low} cents or more get ${big}% off, rounded down to whole cents; smaller orders get no discount.`,
          py: `return total * ${big} // 100 if total >= ${low} else 0`,
          js: `function discount_cents(total) { return total >= ${low} ? Math.floor((total * ${big}) / 100) : 0; }`,
        },
        {
          doc: `Orders of ${high} cents or more get ${small}% off, rounded down to whole cents; smaller orders get no discount.`,
          py: `return total * ${small} // 100 if total >= ${high} else 0`,
          js: `function discount_cents(total) { return total >= ${high} ? Math.floor((total * ${small}) / 100) : 0; }`,
        },
        {
          doc: `Orders of ${low} cents or more get ${middle}% off, rounded down to whole cents; smaller orders get no discount.`,
          py: `return total * ${middle} // 100 if total >= ${low} else 0`,
          js: `function discount_cents(total) { return total >= ${low} ? Math.floor((total * ${middle}) / 100) : 0; }`,
        },
      ];
    },
    input: (rng) => [rng.int(5, 150) * 100 + rng.pick([0, 0, 50, 99])],
  },
];

/** The spec files, in the order `rules` gives their rules: the first is the oldest. */
export const SPEC_FILES = ['docs/spec-v1.md', 'docs/spec-v2.md', 'docs/spec-v3.md'] as const;

/**
 * code/py-ask-spec: implement a function whose repository has three specs that disagree; only the
 * product owner knows which holds (on a third of the seeds they name another first and correct
 * themselves). Three, not two, so that picking one without asking is right a third of the time.
 * The hidden cases are inputs where every two specs disagree, so a wrong spec passes none of them;
 * the visible examples are inputs where all three agree.
 */
export const pyAskSpec: FamilyDef = {
  name: 'py-ask-spec',
  difficulty: 'medium',
  description: 'Implement a Python function whose three specs disagree; ask the product owner which one holds.',
  strategies: IMPLEMENT_STRATEGIES,
  nearMisses: ['other-spec', 'agreed-cases-only'],
  components: RUNS_COMPONENTS,
  collateral: true,
  guesses: FUNCTION_GUESSES,
  features: ['people'],
  people: (instance) => instance.people ?? [],
  generate: (rng) => generate(rng),
};

/** What the generator draws: the kind, each spec's rule, which holds, the examples and the hidden inputs. */
export interface SpecDraw {
  kind: SpecKind;
  rules: SpecRules;
  /** The index into SPEC_FILES of the spec that holds. */
  holds: number;
  visible: Json[][];
  hidden: Json[][];
}

/** The draw of one instance (exported for the generator's unit test, which evaluates both rules). */
export function drawSpecs(rng: Rng): SpecDraw {
  const kind = rng.pick(KINDS);
  const rules = rng.shuffle(kind.rules(rng)) as SpecRules;
  const holds = rng.int(0, rules.length - 1);
  for (let salt = 1; ; salt++) {
    const inputs = rng.fork(salt);
    const pool = distinct(Array.from({ length: 80 }, () => kind.input(inputs)));
    const results = pool.map((args) => rules.map((rule) => JSON.stringify(ruleResult(kind, rule, args))));
    const visible = pool.filter((_, i) => new Set(results[i]).size === 1).slice(0, 3);
    // Every hidden case tells every spec from every other, and no result is the argument itself.
    const hidden = pool.filter((args, i) => new Set(results[i]).size === rules.length && results[i]!.every((r) => r !== JSON.stringify(args[0]))).slice(0, 10);
    const truths = new Set(hidden.map((args) => JSON.stringify(ruleResult(kind, rules[holds]!, args))));
    if (visible.length === 3 && hidden.length >= 8 && truths.size >= 2) return { kind, rules, holds, visible, hidden };
  }
}

/** The result of `rule` on `args`, by its JavaScript twin. */
export function ruleResult(kind: { name: string }, rule: SpecRule, args: Json[]): Json {
  const result = evaluateJs(rule.js, kind.name, args);
  if (result.error) throw new Error(`rule of ${kind.name} threw ${result.error} on ${JSON.stringify(args)}`);
  return result.value!;
}

function generate(rng: Rng): TaskInstance {
  const draw = drawSpecs(rng);
  const { kind, rules, holds } = draw;
  const [name, ...authors] = rng.sample(PERSON_NAMES, 1).concat(rng.sample(TEAMS, SPEC_FILES.length));
  const id = personId(name!);
  const formal = rng.int(0, 1) === 0;
  const slip = rng.int(0, 2) === 0;
  const label = (n: number) => `spec-v${n + 1}`;
  const dates = ['2025-03-04', '2025-09-18', '2026-02-11'];
  const docs = Object.fromEntries(
    SPEC_FILES.map((path, n) => [
      path,
      `# ${kind.topic} (spec v${n + 1})\n\nStatus: approved ${dates[n]} by ${authors[n]}.\n\n${kind.name}(${kind.params}): ${kind.purpose}.\n\nRule: ${rules[n]!.doc}\n`,
    ]),
  );
  const file = `${kind.module}.py`;
  const module = (rule: SpecRule, spec: string) => `def ${kind.name}(${kind.params}):\n    """${rule.doc} (${spec})"""\n    ${rule.py}\n`;
  const solutions = Object.fromEntries(rules.map((rule, n) => [label(n), module(rule, SPEC_FILES[n]!)]));
  const specList = `${SPEC_FILES.slice(0, -1).join(', ')} and ${SPEC_FILES.at(-1)}`;
  const fallback =
    rules.map((rule, n) => `def _spec_v${n + 1}(${kind.params}):\n    ${rule.py}\n\n\n`).join('') +
    `def ${kind.name}(${kind.params}):\n    """Where ${specList} disagree the rule is undecided."""\n` +
    `    results = [${rules.map((_, n) => `_spec_v${n + 1}(${kind.params})`).join(', ')}]\n` +
    `    if any(result != results[0] for result in results):\n        raise ValueError('the specs disagree here; the rule is undecided')\n    return results[0]\n`;
  const other = rng.pick(SPEC_FILES.map((_, n) => n).filter((n) => n !== holds));
  const answer = formal
    ? `Please follow ${label(holds)} (${SPEC_FILES[holds]}); it is the one that holds for this release.`
    : `Go with ${label(holds)} (${SPEC_FILES[holds]}), that's the one that holds for this release.`;
  const person: Person = {
    id,
    name: name!,
    role: 'product owner',
    tone: formal ? 'formal' : 'casual',
    channel: 'message',
    facts: [
      {
        id: 'spec',
        about: 'which of the three specs holds',
        asks: ['which|what & spec*|version', 'spec* & follow*|use|implement*|hold*|appl*|valid|current'],
        paraphrases: [
          'Which of the three specs in docs/ holds for this release?',
          'Should I implement spec-v1.md, spec-v2.md or spec-v3.md?',
          'The spec documents disagree; which version is the current one?',
        ],
        answer,
        value: label(holds),
        ...(slip ? { slip: `Follow ${label(other)} (${SPEC_FILES[other]}).` } : {}),
      },
    ],
  };
  const ruleLine = (n: number) => `Rule: ${rules[n]!.doc}`;
  return askPersonTask(
    {
      module: kind.module,
      name: kind.name,
      params: kind.params,
      args: [kind.params],
      stub: `def ${kind.name}(${kind.params}):\n    """${kind.purpose[0]!.toUpperCase()}${kind.purpose.slice(1)} (docs/)."""\n    raise NotImplementedError\n`,
      docs,
      examples: draw.visible.map((args) => ({ args, expected: ruleResult(kind, rules[0], args) })),
      hidden: draw.hidden,
      person,
      solutions,
      truth: label(holds),
      fallback,
      fallbackWhy: `${name} did not answer, and ${specList} disagree: write only what all three specs agree on in ${file}, and refuse the cases they disagree on rather than guess.`,
      fallbackSources: rules.map((_, n) => ruleLine(n)),
      fallbackHow: `${kind.name} from the three specs' rules, refusing where they differ`,
      sources: (value) => [ruleLine(Number(value.slice(-1)) - 1)],
      how: (value) => `${kind.name} written from the rule of ${value}, the spec ${name} said holds`,
      whyChange: (value) =>
        `${name} said ${value} holds; it says: "${rules[Number(value.slice(-1)) - 1]!.doc}" Write ${kind.name} that way in ${file}; the examples in test_${kind.module}.py agree.`,
      instruction:
        `Implement \`${kind.name}(${kind.params})\` in ${file}: ${kind.purpose}. ` +
        `The rule is in the spec, but ${specList} disagree on it; only ${name} (${id}), the product owner, knows which of them holds for this release. ` +
        `test_${kind.module}.py has a few examples (run them with run_tests); hidden tests check more cases. Call submit when you are done.`,
      nearMisses: { 'other-spec': solutions[label(other)]!, 'agreed-cases-only': fallback },
    },
    rng,
  );
}

function distinct(list: Json[][]): Json[][] {
  const seen = new Set<string>();
  return list.filter((args) => {
    const key = JSON.stringify(args);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

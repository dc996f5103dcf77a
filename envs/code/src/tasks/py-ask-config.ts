import type { Rng } from '@workgym/protocol';
import { evaluateJs, type Json } from './function-specs.js';
import { askPersonTask, PERSON_NAMES, personId } from './shapes/ask-person.js';
import { FUNCTION_GUESSES, IMPLEMENT_STRATEGIES } from './shapes/implement-function.js';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

/** A setting no file of the repository holds, the function that reads it, and who knows it. */
interface Setting {
  module: string;
  purpose: string;
  constant: string;
  /** The value the file holds as a placeholder: the default without asking, never the one that holds. */
  placeholder: string | number;
  /** The values that can hold (the placeholder is not among them). */
  values: readonly (string | number)[];
  name: string;
  /** The function's parameters besides the setting's, which defaults to the constant. */
  arg: string;
  setting: string;
  doc: string;
  py: string;
  /** The generator's JavaScript twin, taking the setting as its last argument. */
  js: string;
  input(rng: Rng): Json;
  role: string;
  about: string;
  asks: readonly string[];
  paraphrases: readonly string[];
  answer(value: string, formal: boolean): string;
}

const SETTINGS: readonly Setting[] = [
  {
    module: 'http_client',
    purpose: 'Retries of the HTTP client.',
    constant: 'MAX_RETRIES',
    placeholder: 3,
    values: [2, 4, 5, 6, 7, 8],
    name: 'retry_delays',
    arg: 'base_ms',
    setting: 'retries',
    doc: 'Return the delays in milliseconds before each retry: base_ms before the first, doubled before each next one, one delay per retry.',
    py: 'return [base_ms * 2 ** i for i in range(retries)]',
    js: 'function retry_delays(base_ms, retries) { return Array.from({ length: retries }, (_, i) => base_ms * 2 ** i); }',
    input: (rng) => rng.int(1, 40) * 25,
    role: 'site reliability engineer',
    about: 'how many retries the client makes in production',
    asks: ['retr* & how many|count|number|max*|value|often'],
    paraphrases: ['How many retries should the client make?', 'What value should MAX_RETRIES have?', 'What is the maximum number of retries in production?'],
    answer: (value, formal) => (formal ? `Production retries ${value} times, so MAX_RETRIES should be ${value}.` : `We retry ${value} times in production.`),
  },
  {
    module: 'listing',
    purpose: 'Paging of the product listing.',
    constant: 'PAGE_SIZE',
    placeholder: 20,
    values: [10, 12, 15, 25, 30, 40, 50],
    name: 'page_count',
    arg: 'items',
    setting: 'page_size',
    doc: 'Return how many pages it takes to list items entries, page_size to a page (the last page may be partly full; no entries need no pages).',
    py: 'return -(-items // page_size)',
    js: 'function page_count(items, page_size) { return Math.ceil(items / page_size); }',
    input: (rng) => rng.int(2, 600),
    role: 'product designer',
    about: 'how many entries the listing shows on a page',
    asks: ['page & size|how many|per|entries|items'],
    paraphrases: ['What page size should the listing use?', 'How many items go on one page?', 'What value should PAGE_SIZE have?'],
    answer: (value, formal) => (formal ? `The listing shows ${value} entries per page.` : `${value} entries per page, please.`),
  },
  {
    module: 'prices',
    purpose: 'Price labels of the shop.',
    constant: 'CURRENCY',
    placeholder: 'USD',
    values: ['EUR', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CAD'],
    name: 'format_price',
    arg: 'cents',
    setting: 'currency',
    doc: 'Return the amount as text: the whole units, a dot, two digits of cents, a space and the currency code.',
    py: 'return f"{cents // 100}.{cents % 100:02d} {currency}"',
    js: "function format_price(cents, currency) { return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')} ${currency}`; }",
    input: (rng) => rng.int(1, 99_999),
    role: 'finance manager',
    about: 'the currency prices are shown in',
    asks: ['currenc*'],
    paraphrases: ['Which currency should prices be shown in?', 'What value should CURRENCY have?', 'What is the currency code for our prices?'],
    answer: (value, formal) => (formal ? `Our prices are in ${value}.` : `Prices are in ${value}!`),
  },
];

/** The condition of the family: the setting's value, which the placeholder stands in for when nobody is asked. */
const VALUE = 'value';

/**
 * code/py-ask-config: implement a function that reads a setting whose value no file holds (the
 * file has a placeholder); a teammate knows it (on a third of the seeds they say another value
 * first and correct themselves). The hidden cases call the function with the setting's default,
 * so the placeholder passes none of them; the visible examples pass the setting explicitly.
 */
export const pyAskConfig: FamilyDef = {
  name: 'py-ask-config',
  difficulty: 'easy',
  description: 'Implement a Python function and set the value it reads, which only a teammate knows.',
  strategies: IMPLEMENT_STRATEGIES,
  nearMisses: ['keep-placeholder'],
  components: RUNS_COMPONENTS,
  collateral: true,
  conditions: [VALUE],
  guesses: FUNCTION_GUESSES,
  features: ['people'],
  people: (instance) => instance.people ?? [],
  generate: (rng) => generate(rng),
};

/** What the generator draws (exported for the generator's unit test). */
export interface ConfigDraw {
  setting: Setting;
  value: string | number;
  visible: Json[][];
  hidden: Json[][];
}

/** The setting, its value, the visible examples (the setting passed explicitly) and the hidden inputs. */
export function drawConfig(rng: Rng): ConfigDraw {
  const setting = rng.pick(SETTINGS);
  const value = rng.pick(setting.values);
  const explicit = [setting.placeholder, ...setting.values].filter((v) => v !== value);
  for (let salt = 1; ; salt++) {
    const inputs = rng.fork(salt);
    const pool = [...new Set(Array.from({ length: 60 }, () => setting.input(inputs)))];
    const visible = pool.slice(0, 3).map((x) => [x, inputs.pick(explicit)]);
    const hidden = pool
      .slice(3)
      .filter((x) => JSON.stringify(settingResult(setting, x, value)) !== JSON.stringify(settingResult(setting, x, setting.placeholder)))
      .slice(0, 10)
      .map((x) => [x]);
    const truths = new Set(hidden.map(([x]) => JSON.stringify(settingResult(setting, x!, value))));
    const identity = hidden.every(([x]) => JSON.stringify(settingResult(setting, x!, value)) === JSON.stringify(x));
    if (hidden.length >= 8 && truths.size >= 2 && !identity) return { setting, value, visible, hidden };
  }
}

/** The function's result on `input` with the setting at `value`, by the generator's JavaScript twin. */
export function settingResult(setting: Pick<Setting, 'js' | 'name'>, input: Json, value: string | number): Json {
  const result = evaluateJs(setting.js, setting.name, [input, value]);
  if (result.error) throw new Error(`${setting.name} threw ${result.error} on ${JSON.stringify(input)}`);
  return result.value!;
}

function generate(rng: Rng): TaskInstance {
  const { setting, value, visible, hidden } = drawConfig(rng);
  const name = rng.pick(PERSON_NAMES);
  const id = personId(name);
  const formal = rng.int(0, 1) === 0;
  const slip = rng.int(0, 2) === 0 ? rng.pick(setting.values.filter((v) => v !== value)) : undefined;
  const file = `${setting.module}.py`;
  const params = `${setting.arg}, ${setting.setting}=${setting.constant}`;
  const call = `${setting.name}(${params})`;
  const line = (v: string | number) => `${setting.constant} = ${typeof v === 'string' ? `'${v}'` : v}`;
  const placeholderLine = `${line(setting.placeholder)}  # placeholder: not the value production uses`;
  const module = (constantLine: string, body: string) =>
    `"""${setting.purpose}"""\n\n${constantLine}\n\n\ndef ${call}:\n    """${setting.doc}"""\n    ${body}\n`;
  const solutions = Object.fromEntries([setting.placeholder, ...setting.values].map((v) => [String(v), module(line(v), setting.py)]));
  const fallback = module(placeholderLine, setting.py);
  const valueOf = (heard: string) => [setting.placeholder, ...setting.values].find((v) => String(v) === heard) ?? heard;
  return askPersonTask(
    {
      module: setting.module,
      name: setting.name,
      params,
      args: [setting.arg],
      stub: module(placeholderLine, 'raise NotImplementedError'),
      docs: {},
      examples: visible.map((args) => ({ args, expected: settingResult(setting, args[0]!, args[1] as string | number) })),
      hidden,
      person: {
        id,
        name,
        role: setting.role,
        tone: formal ? 'formal' : 'casual',
        channel: 'message',
        facts: [
          {
            id: VALUE,
            about: setting.about,
            asks: setting.asks,
            paraphrases: setting.paraphrases,
            answer: setting.answer(String(value), formal),
            value: String(value),
            ...(slip === undefined ? {} : { slip: setting.answer(String(slip), formal) }),
          },
        ],
      },
      solutions,
      truth: String(value),
      fallback,
      fallbackWhy: `${name} did not answer: keep the placeholder ${setting.constant} the file holds, and write ${setting.name} from its description in ${file}.`,
      fallbackSources: [setting.doc, call, line(setting.placeholder)],
      fallbackHow: `${call} written from its description, the placeholder kept`,
      sources: () => [setting.doc, call],
      how: (heard) => `${call} written from its description, with ${line(valueOf(heard))} as ${name} said`,
      whyChange: (heard) =>
        `${name} said ${setting.about} is ${heard}: set ${line(valueOf(heard))} in place of the placeholder, and write ${setting.name} as its description says: ${setting.doc}`,
      instruction:
        `Implement \`${call}\` in ${file}: ${setting.doc} ` +
        `${setting.constant} in ${file} is a placeholder; the value production uses is in no file of this repository, and ${name} (${id}), the ${setting.role}, knows it. ` +
        `Set it, then check the examples in test_${setting.module}.py with run_tests; hidden tests check more cases. Call submit when you are done.`,
      nearMisses: { 'keep-placeholder': fallback },
      condition: VALUE,
    },
    rng,
  );
}

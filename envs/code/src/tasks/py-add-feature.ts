import { replaceOnce } from './function-specs.js';
import { pyValue } from './render.js';
import { guessStrategy, type Rng } from '@workgym/protocol';
import { readFile, RUN_TESTS, SUBMIT, bashLook, writeThenSubmit } from './expert/step.js';
import { testVerdict } from './expert/tests-output.js';
import { keep, workExpert } from './expert/work.js';
import type { PlannedCall } from '@workgym/protocol/kit';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

interface Domain {
  pkg: string;
  cls: string;
  key: string;
  unit: string;
  add: string;
  remove: string;
  get: string;
  keys: string;
  names: string[];
}

const DOMAINS: Domain[] = [
  {
    pkg: 'stockroom',
    cls: 'Inventory',
    key: 'item',
    unit: 'units',
    add: 'add',
    remove: 'remove',
    get: 'quantity',
    keys: 'items',
    names: ['bolts', 'nuts', 'gears', 'valves', 'pipes', 'fuses'],
  },
  {
    pkg: 'classbook',
    cls: 'Gradebook',
    key: 'student',
    unit: 'points',
    add: 'award',
    remove: 'deduct',
    get: 'points',
    keys: 'students',
    names: ['ada', 'boris', 'chen', 'dana', 'emil', 'fay'],
  },
  {
    pkg: 'minibank',
    cls: 'Ledger',
    key: 'account',
    unit: 'coins',
    add: 'deposit',
    remove: 'withdraw',
    get: 'balance',
    keys: 'accounts',
    names: ['acme', 'birch', 'cobalt', 'dune', 'ember', 'flint'],
  },
];

interface Feature {
  method: string;
  command: string;
  describe(d: Domain): string;
  code(d: Domain): string;
  dispatch(d: Domain): string;
  /** A call of the feature in a scenario, as [method, args]. */
  op(rng: Rng, d: Domain): [string, (string | number)[]];
  line(rng: Rng, d: Domain): string;
  /** A plausible mistake in the method's code and in its command's code: [from, to]. */
  codeBug(d: Domain): [string, string];
  dispatchBug: [string, string];
}

const FEATURES: Feature[] = [
  {
    method: 'top',
    command: 'TOP',
    describe: (d) =>
      `a method \`top(k)\` on ${d.cls} returning the k ${d.key}s with the most ${d.unit} as [${d.key}, amount] lists, largest first, ties broken by ${d.key} name (alphabetically); ` +
      `and a command \`TOP k\` whose output line is those pairs written as ${d.key}=amount separated by single spaces, or (empty) when there are none`,
    code: () => `    def top(self, k):
        """The k keys with the largest amounts as [key, amount] lists, ties by key."""
        ranked = sorted(self._amounts.items(), key=lambda pair: (-pair[1], pair[0]))
        return [[key, amount] for key, amount in ranked[:k]]

`,
    dispatch: () => `    if name == 'TOP':
        return ' '.join(f'{key}={amount}' for key, amount in store.top(int(args[0]))) or '(empty)'
`,
    op: (rng) => ['top', [rng.int(1, 4)]],
    line: (rng) => `TOP ${rng.int(1, 4)}`,
    codeBug: () => ['(-pair[1], pair[0])', '(-pair[1],)'],
    dispatchBug: ["' '.join(f'{key}={amount}'", "', '.join(f'{key}={amount}'"],
  },
  {
    method: 'move',
    command: 'MOVE',
    describe: (d) =>
      `a method \`move(source, target, amount)\` on ${d.cls} that moves amount ${d.unit} from one ${d.key} to another, raising ValueError and changing nothing when amount is not positive or the source holds less than amount; ` +
      'and a command `MOVE source target amount` whose output line is ok (or error: <message> when it raises, like the other commands)',
    code: (d) => `    def move(self, source, target, amount):
        """Move amount from source to target; ValueError (and no change) when it cannot."""
        self.${d.remove}(source, amount)
        self.${d.add}(target, amount)

`,
    dispatch: () => `    if name == 'MOVE':
        store.move(args[0], args[1], int(args[2]))
        return 'ok'
`,
    op: (rng, d) => ['move', [rng.pick(d.names.slice(0, 4)), rng.pick(d.names.slice(0, 4)), rng.int(0, 6)]],
    line: (rng, d) => `MOVE ${rng.pick(d.names.slice(0, 4))} ${rng.pick(d.names.slice(0, 4))} ${rng.int(1, 6)}`,
    codeBug: (d) => [
      `self.${d.remove}(source, amount)\n        self.${d.add}(target, amount)`,
      `self.${d.add}(target, amount)\n        self.${d.remove}(source, amount)`,
    ],
    dispatchBug: ["return 'ok'", "return 'moved'"],
  },
  {
    method: 'below',
    command: 'LOW',
    describe: (d) =>
      `a method \`below(threshold)\` on ${d.cls} returning the ${d.key}s holding fewer than threshold ${d.unit} (and more than zero), sorted by name; ` +
      'and a command `LOW threshold` whose output line is those names separated by single spaces, or (none) when there are none',
    code: () => `    def below(self, threshold):
        """Keys holding fewer than threshold (and more than zero), sorted."""
        return sorted(key for key, amount in self._amounts.items() if amount < threshold)

`,
    dispatch: () => `    if name == 'LOW':
        return ' '.join(store.below(int(args[0]))) or '(none)'
`,
    op: (rng) => ['below', [rng.int(1, 9)]],
    line: (rng) => `LOW ${rng.int(1, 9)}`,
    codeBug: () => ['if amount < threshold', 'if amount <= threshold'],
    dispatchBug: ["or '(none)'", "or '(empty)'"],
  },
];

function storeSource(d: Domain): string {
  return `"""Keeps ${d.unit} per ${d.key}."""


class ${d.cls}:
    def __init__(self):
        self._amounts = {}

    def ${d.add}(self, ${d.key}, amount):
        """Add amount (> 0) to ${d.key}."""
        if amount <= 0:
            raise ValueError('amount must be positive')
        self._amounts[${d.key}] = self._amounts.get(${d.key}, 0) + amount

    def ${d.remove}(self, ${d.key}, amount):
        """Take amount (> 0) from ${d.key}; ValueError when it holds less."""
        if amount <= 0:
            raise ValueError('amount must be positive')
        held = self._amounts.get(${d.key}, 0)
        if held < amount:
            raise ValueError(f'{${d.key}} holds only {held}')
        if held == amount:
            del self._amounts[${d.key}]
        else:
            self._amounts[${d.key}] = held - amount

    def ${d.get}(self, ${d.key}):
        return self._amounts.get(${d.key}, 0)

    def ${d.keys}(self):
        return sorted(self._amounts)
`;
}

const EMPTY_TESTS = 'empty-tests';

const UNKNOWN = "    raise ValueError(f'unknown command {name}')\n";

function commandsSource(d: Domain): string {
  return `"""Runs text commands against a ${d.cls}: one command per line, one output line per command."""
from .store import ${d.cls}


def run_commands(lines):
    store = ${d.cls}()
    out = []
    for line in lines:
        parts = line.split()
        if not parts:
            continue
        name, args = parts[0].upper(), parts[1:]
        try:
            out.append(_dispatch(store, name, args))
        except (ValueError, IndexError) as error:
            out.append(f'error: {error}')
    return out


def _dispatch(store, name, args):
    if name == 'ADD':
        store.${d.add}(args[0], int(args[1]))
        return 'ok'
    if name == 'REMOVE':
        store.${d.remove}(args[0], int(args[1]))
        return 'ok'
    if name == 'GET':
        return str(store.${d.get}(args[0]))
    if name == 'LIST':
        return ' '.join(store.${d.keys}()) or '(empty)'
${UNKNOWN}`;
}

function testsSource(d: Domain): { store: string; commands: string } {
  const [a, b] = d.names;
  return {
    store: `import unittest

from ${d.pkg}.store import ${d.cls}


class ${d.cls}Test(unittest.TestCase):
    def test_adds_up(self):
        s = ${d.cls}()
        s.${d.add}('${a}', 3)
        s.${d.add}('${a}', 2)
        self.assertEqual(s.${d.get}('${a}'), 5)

    def test_refuses_to_take_more_than_held(self):
        s = ${d.cls}()
        s.${d.add}('${a}', 1)
        with self.assertRaises(ValueError):
            s.${d.remove}('${a}', 2)
        self.assertEqual(s.${d.get}('${a}'), 1)

    def test_lists_sorted_and_drops_empty(self):
        s = ${d.cls}()
        s.${d.add}('${b}', 1)
        s.${d.add}('${a}', 4)
        s.${d.remove}('${b}', 1)
        self.assertEqual(s.${d.keys}(), ['${a}'])


if __name__ == '__main__':
    unittest.main()
`,
    commands: `import unittest

from ${d.pkg}.commands import run_commands


class CommandsTest(unittest.TestCase):
    def test_runs_each_line(self):
        out = run_commands(['ADD ${a} 3', 'GET ${a}', 'REMOVE ${a} 5', 'ADD ${b} 1', 'LIST', 'FLY'])
        self.assertEqual(out, ['ok', '3', 'error: ${a} holds only 3', 'ok', '${a} ${b}', 'error: unknown command FLY'])


if __name__ == '__main__':
    unittest.main()
`,
  };
}

function scenario(rng: Rng, d: Domain, feature: Feature | undefined): [string, (string | number)[]][] {
  const ops: [string, (string | number)[]][] = [];
  const keys = d.names.slice(0, 4);
  for (let i = 0; i < rng.int(3, 7); i++) {
    const roll = rng.int(0, 9);
    if (roll < 5) ops.push([d.add, [rng.pick(keys), rng.int(1, 9)]]);
    else if (roll < 7) ops.push([d.remove, [rng.pick(keys), rng.int(1, 6)]]);
    else if (feature) ops.push(feature.op(rng, d));
    else ops.push([d.get, [rng.pick(keys)]]);
  }
  if (feature) ops.push(feature.op(rng, d));
  ops.push([d.keys, []]);
  return ops;
}

function commandLines(rng: Rng, d: Domain, feature: Feature): string[] {
  const keys = d.names.slice(0, 4);
  const lines: string[] = [];
  for (let i = 0; i < rng.int(3, 6); i++) {
    lines.push(rng.int(0, 2) === 0 ? feature.line(rng, d) : `ADD ${rng.pick(keys)} ${rng.int(1, 9)}`);
  }
  lines.push(feature.line(rng, d), 'LIST');
  return lines;
}

function generate(rng: Rng): TaskInstance {
  const d = rng.pick(DOMAINS);
  const feature = rng.pick(FEATURES);
  const store = storeSource(d);
  const commands = commandsSource(d);
  const keysDef = `    def ${d.keys}(self):\n`;
  const storePath = `${d.pkg}/store.py`;
  const commandsPath = `${d.pkg}/commands.py`;
  const storeEdit = { path: storePath, old: keysDef, new: feature.code(d) + keysDef };
  const commandsEdit = { path: commandsPath, old: UNKNOWN, new: feature.dispatch(d) + UNKNOWN };
  const wrongStore = { ...storeEdit, new: replaceOnce(feature.code(d), ...feature.codeBug(d))! + keysDef };
  const wrongCommands = { ...commandsEdit, new: replaceOnce(feature.dispatch(d), ...feature.dispatchBug)! + UNKNOWN };
  const reference = { [storePath]: store.replace(keysDef, storeEdit.new), [commandsPath]: commands.replace(UNKNOWN, commandsEdit.new) };
  const tests = testsSource(d);
  const prelude = `import json
from ${d.pkg}.store import ${d.cls}
from ${d.pkg}.commands import run_commands


def _scenario(ops):
    store = ${d.cls}()
    out = []
    for name, args in ops:
        try:
            out.append(getattr(store, name)(*args))
        except Exception as error:
            out.append('raised ' + type(error).__name__)
    return out`;
  const cases = [
    ...Array.from({ length: 5 }, () => `_scenario(${pyValue(scenario(rng, d, feature))})`),
    ...Array.from({ length: 4 }, () => `run_commands(${pyValue(commandLines(rng, d, feature))})`),
    ...Array.from({ length: 2 }, () => `_scenario(${pyValue(scenario(rng, d, undefined))})`),
  ];
  const describe = feature.describe(d);
  const candidates: PlannedCall[] = [
    RUN_TESTS,
    readFile('README.md'),
    readFile(storePath),
    readFile(commandsPath),
    ...rng.shuffle([storeEdit, wrongStore, commandsEdit, wrongCommands]).map((edit) => ({ name: 'edit_file', arguments: edit })),
    SUBMIT,
  ];
  const files: Record<string, string> = {
    [`${d.pkg}/__init__.py`]: '',
    [storePath]: store,
    [commandsPath]: commands,
    'tests/__init__.py': '',
    'tests/test_store.py': tests.store,
    'tests/test_commands.py': tests.commands,
    'README.md': `# ${d.pkg}\n\n\`run_commands(lines)\` runs one command per line and returns one output line per command:\n\n- \`ADD ${d.key} n\` -> ok\n- \`REMOVE ${d.key} n\` -> ok\n- \`GET ${d.key}\` -> the amount\n- \`LIST\` -> ${d.key}s holding anything, sorted, space-separated, or (empty)\n\nA command that fails answers \`error: <message>\`.\n`,
  };
  const subclass = `from .store import ${d.cls}\n\n\nclass Extended${d.cls}(${d.cls}):\n${feature.code(d)}`;
  return {
    instruction:
      `The ${d.pkg} package keeps ${d.unit} per ${d.key} (${d.pkg}/store.py) and runs text commands against it (${d.pkg}/commands.py; see README.md). ` +
      `Add a feature: ${describe}. Keep the existing behaviour and tests working. run_tests runs the visible tests; ` +
      'hidden tests check the new feature and the old behaviour. Call submit when you are done.',
    files,
    testCommand: 'python3 -m unittest discover -v -s tests -t .',
    check: {
      kind: 'runs',
      reference,
      suite: { kind: 'python-calls', prelude, cases },
    },
    expert: workExpert({
      strategies: { 'edit-file': 'tools', heredoc: 'shell' },
      look: (style) => [
        style === 'tools'
          ? { call: readFile('README.md'), why: `Read README.md first: it describes the commands ${d.pkg} runs.` }
          : bashLook('cat README.md', ['README.md'], 'show the listed README', `Show README.md first: it describes the commands ${d.pkg} runs.`),
        { call: RUN_TESTS, why: 'Run the existing tests before changing anything: they must still pass afterwards.' },
      ],
      targets: [
        {
          path: storePath,
          content: reference[storePath]!,
          sources: [describe],
          how: `the ${feature.method} method the task describes, added to ${d.cls}`,
          whyRead: () => `The method ${feature.method} belongs to ${d.cls} in ${storePath}: read it first.`,
          whyChange: () =>
            `Add ${feature.method} to ${d.cls} as the task describes it, before ${d.keys}(), using the amounts the class keeps in self._amounts.`,
        },
        {
          path: commandsPath,
          content: reference[commandsPath]!,
          sources: [describe],
          how: `the ${feature.command} command the task describes, dispatched like the others`,
          whyRead: () => `The ${feature.command} command belongs to ${commandsPath}: read how it dispatches commands first.`,
          whyChange: () =>
            `_dispatch handles one command per branch and raises for unknown names: add the ${feature.command} branch before that, calling store.${feature.method}.`,
        },
        ...Object.entries(files)
          .filter(([path]) => path !== storePath && path !== commandsPath)
          .map(([path, content]) => keep(path, content)),
      ],
      check: () => ({ call: RUN_TESTS, why: 'The package changed since the tests last ran: run them again.' }),
      whySubmit: (view) =>
        `The existing tests still pass (${testVerdict(view.output(RUN_TESTS)) ?? 'no failures'}) with ${feature.method} and ${feature.command} added: submit.`,
      nearMisses: {
        // The method alone: the command the task asks for is never wired in.
        'method-without-command': (view) => writeThenSubmit('method-without-command', { [storePath]: reference[storePath]! }, view),
        // A new class that has the method, instead of the asked-for class and command.
        'feature-in-new-class': (view) => writeThenSubmit('feature-in-new-class', { [`${d.pkg}/extended.py`]: subclass }, view),
        // The constant attempt: the feature unwritten, the visible tests emptied so nothing fails.
        [guessStrategy(EMPTY_TESTS)]: (view) => writeThenSubmit(EMPTY_TESTS, { 'tests/test_store.py': '', 'tests/test_commands.py': '' }, view),
      },
    }),
    candidates,
  };
}

/** code/py-add-feature: add a method and a command to a small Python project. */
export const pyAddFeature: FamilyDef = {
  name: 'py-add-feature',
  difficulty: 'hard',
  description: 'Add a feature (a method and a text command) to a small Python project without breaking it.',
  strategies: ['edit-file', 'heredoc'],
  nearMisses: ['method-without-command', 'feature-in-new-class'],
  components: RUNS_COMPONENTS,
  collateral: true,
  guesses: [EMPTY_TESTS],
  generate,
};

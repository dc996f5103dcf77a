// Helpers that turn generated values into source text of the workspace's languages.
import type { Json } from './function-specs.js';

/**
 * A Python expression for a JSON value: `json.loads("...")`, so lists, null and booleans map
 * exactly. The code it goes into must `import json` (the call suites' preludes and
 * `pyTestFile` do).
 */
export function pyValue(value: Json | Json[]): string {
  return `json.loads(${JSON.stringify(JSON.stringify(value))})`;
}

/**
 * A Python expression calling `name` with the argument list `args` (`name(*json.loads(...))`):
 * one case of a `python-calls` suite, or a call in a test file. Needs `import json`.
 */
export function pyCall(name: string, args: Json[]): string {
  return `${name}(*${pyValue(args)})`;
}

/**
 * A JavaScript expression calling `target` with the argument list `args`
 * (`target(...[1,2])`): one case of a `js-calls` suite (`ctx.m0.name`) or a call in a test file.
 */
export function jsCall(target: string, args: Json[]): string {
  return `${target}(...${JSON.stringify(args)})`;
}

/** `text` with every non-empty line indented by `spaces` spaces (a block placed in a Python or JavaScript body). */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}

/**
 * The text of a Python unittest file that checks `examples` of the function `name`, imported
 * from the dotted `module`: one test method per example (`test_example_1`, ...), asserting the
 * call's result equals `expected`. Run it with `python3 -m unittest`; give at least one example.
 */
export function pyTestFile(module: string, name: string, examples: { args: Json[]; expected: Json }[]): string {
  const cases = examples
    .map(
      (e, i) => `    def test_example_${i + 1}(self):
        self.assertEqual(${pyCall(name, e.args)}, ${pyValue(e.expected)})
`,
    )
    .join('\n');
  return `import json
import unittest

from ${module} import ${name}


class Test${name.replace(/(^|_)(\w)/g, (_, _u: string, c: string) => c.toUpperCase())}(unittest.TestCase):
${cases}

if __name__ == '__main__':
    unittest.main()
`;
}

/**
 * The text of a node:test file that checks `examples` of the function `name`, imported from
 * `importPath` (relative to the test file, e.g. `./solution.mjs`): one test per example,
 * asserting deep equality with `expected`. Run it with `node --test`.
 */
export function jsTestFile(importPath: string, name: string, examples: { args: Json[]; expected: Json }[]): string {
  const cases = examples
    .map(
      (e, i) => `test('${name} example ${i + 1}', () => {
  assert.deepStrictEqual(${jsCall(name, e.args)}, ${JSON.stringify(e.expected)});
});
`,
    )
    .join('\n');
  return `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ${name} } from '${importPath}';

${cases}`;
}

// Helpers that turn generated values into source text of the workspace's languages.
import type { Json } from './function-specs.js';

/** A Python expression for a JSON value (via json.loads, so lists, null and booleans map exactly). */
export function pyValue(value: Json | Json[]): string {
  return `json.loads(${JSON.stringify(JSON.stringify(value))})`;
}

/** A Python call of `name` with the given argument list. */
export function pyCall(name: string, args: Json[]): string {
  return `${name}(*${pyValue(args)})`;
}

/** A JavaScript call of `target` with the given argument list. */
export function jsCall(target: string, args: Json[]): string {
  return `${target}(...${JSON.stringify(args)})`;
}

export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}

/** Python unittest file checking `examples` of one function. */
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

/** node:test file checking `examples` of one function. */
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

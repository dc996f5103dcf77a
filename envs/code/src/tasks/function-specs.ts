// The pool of small functions the implement and fix-bug families draw from. Each has the same
// behaviour in JavaScript and Python; seeds pick names, constants and inputs. The JavaScript
// version also runs in the server to compute the expected values of visible examples.
import type { Rng } from '@workgym/protocol';

/** A value a generated function takes or returns: what JSON, Python and JavaScript hold alike (arguments, expected results). */
export type Json = null | boolean | number | string | Json[];

/** A plausible bug: replace `from` with `to` (each occurs once) in the rendered source. */
export interface Bug {
  js: [string, string];
  py: [string, string];
}

export interface FunctionSpec {
  key: string;
  names: readonly string[];
  /** Parameter names of the signature. */
  args: readonly string[];
  /** Seeded constants baked into the behaviour. */
  constants(rng: Rng): Record<string, string>;
  doc(c: Record<string, string>): string;
  js(name: string, c: Record<string, string>): string;
  py(name: string, c: Record<string, string>): string;
  /** Argument lists to test with. */
  inputs(rng: Rng, c: Record<string, string>, count: number): Json[][];
  bugs: readonly Bug[];
}

const WORDS = ['apple', 'river', 'stone', 'cloud', 'maple', 'tiger', 'lemon', 'pixel', 'orbit', 'amber', 'delta', 'ember', 'fjord', 'grove'];

function ints(rng: Rng, length: number, min: number, max: number): number[] {
  return Array.from({ length }, () => rng.int(min, max));
}

function sentence(rng: Rng, words: number): string {
  const parts = Array.from({ length: words }, () => {
    const w = rng.pick(WORDS.slice(0, 6));
    return rng.int(0, 4) === 0 ? w.toUpperCase() : rng.int(0, 3) === 0 ? w[0]!.toUpperCase() + w.slice(1) : w;
  });
  return parts.join(rng.pick([' ', ', ', ' - ', '! ']));
}

const sumMultiples: FunctionSpec = {
  key: 'sum-multiples',
  names: ['sum_multiples', 'selective_sum', 'filtered_total'],
  args: ['nums'],
  constants: (rng) => {
    const k = rng.int(3, 7);
    return { K: String(k), M: String(k * rng.int(2, 3)) };
  },
  doc: (c) => `Return the sum of the integers in \`nums\` that are divisible by ${c.K} but not by ${c.M} (0 for none).`,
  js: (name, c) => `function ${name}(nums) {
  let total = 0;
  for (const n of nums) {
    if (n % ${c.K} === 0 && n % ${c.M} !== 0) total += n;
  }
  return total;
}`,
  py: (name, c) => `def ${name}(nums):
    total = 0
    for n in nums:
        if n % ${c.K} == 0 and n % ${c.M} != 0:
            total += n
    return total`,
  inputs: (rng, c, count) =>
    Array.from({ length: count }, (_, i) => [i === 0 ? [Number(c.M), Number(c.K), Number(c.K) * 5] : ints(rng, rng.int(0, 9), -40, 120)]),
  bugs: [
    { js: ['!== 0) total', '=== 0) total'], py: ['!= 0:', '== 0:'] },
    { js: ['total += n;', 'total += 1;'], py: ['total += n', 'total += 1'] },
  ],
};

const caesar: FunctionSpec = {
  key: 'caesar',
  names: ['caesar', 'shift_letters', 'rotate_text'],
  args: ['text'],
  constants: (rng) => ({ K: String(rng.int(1, 25)) }),
  doc: (c) =>
    `Shift every ASCII letter of \`text\` forward by ${c.K} places in the alphabet, wrapping from z to a and keeping its case; leave every other character unchanged.`,
  js: (name, c) => `function ${name}(text) {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 65 && code <= 90) out += String.fromCharCode(((code - 65 + ${c.K}) % 26) + 65);
    else if (code >= 97 && code <= 122) out += String.fromCharCode(((code - 97 + ${c.K}) % 26) + 97);
    else out += ch;
  }
  return out;
}`,
  py: (name, c) => `def ${name}(text):
    out = []
    for ch in text:
        code = ord(ch)
        if 65 <= code <= 90:
            out.append(chr((code - 65 + ${c.K}) % 26 + 65))
        elif 97 <= code <= 122:
            out.append(chr((code - 97 + ${c.K}) % 26 + 97))
        else:
            out.append(ch)
    return ''.join(out)`,
  inputs: (rng, _c, count) => Array.from({ length: count }, (_, i) => [i === 0 ? 'xyz XYZ abc!' : sentence(rng, rng.int(1, 5))]),
  bugs: [
    { js: ['% 26) + 97', '% 25) + 97'], py: ['% 26 + 97', '% 25 + 97'] },
    { js: ['code <= 90', 'code < 90'], py: ['<= code <= 90', '<= code < 90'] },
  ],
};

const chunk: FunctionSpec = {
  key: 'chunk',
  names: ['chunk', 'batches', 'split_groups'],
  args: ['items'],
  constants: (rng) => ({ K: String(rng.int(2, 5)) }),
  doc: (c) => `Split the list \`items\` into consecutive lists of ${c.K} items; the last list holds the rest (it may be shorter). An empty list gives [].`,
  js: (name, c) => `function ${name}(items) {
  const out = [];
  for (let i = 0; i < items.length; i += ${c.K}) out.push(items.slice(i, i + ${c.K}));
  return out;
}`,
  py: (name, c) => `def ${name}(items):
    return [items[i:i + ${c.K}] for i in range(0, len(items), ${c.K})]`,
  inputs: (rng, c, count) => Array.from({ length: count }, (_, i) => [ints(rng, i === 0 ? Number(c.K) * 2 + 1 : rng.int(0, 13), 0, 99)]),
  bugs: [
    { js: ['i < items.length;', 'i < items.length - 1;'], py: ['range(0, len(items),', 'range(0, len(items) - 1,'] },
    { js: ['slice(i, i + ', 'slice(i + 1, i + '], py: ['items[i:i + ', 'items[i + 1:i + '] },
  ],
};

const runLength: FunctionSpec = {
  key: 'run-length',
  names: ['run_length', 'rle_encode', 'squeeze_runs'],
  args: ['s'],
  constants: (rng) => ({ ORDER: rng.pick(['char-first', 'count-first']) }),
  doc: (c) =>
    c.ORDER === 'char-first'
      ? 'Run-length encode the string `s`: each run of one repeated character becomes the character followed by the run length ("aaab" -> "a3b1"). An empty string gives "".'
      : 'Run-length encode the string `s`: each run of one repeated character becomes the run length followed by the character ("aaab" -> "3a1b"). An empty string gives "".',
  js: (name, c) => `function ${name}(s) {
  let out = '';
  let i = 0;
  while (i < s.length) {
    let j = i;
    while (j < s.length && s[j] === s[i]) j++;
    out += ${c.ORDER === 'char-first' ? 's[i] + String(j - i)' : 'String(j - i) + s[i]'};
    i = j;
  }
  return out;
}`,
  py: (name, c) => `def ${name}(s):
    out = ''
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        out += ${c.ORDER === 'char-first' ? 's[i] + str(j - i)' : 'str(j - i) + s[i]'}
        i = j
    return out`,
  inputs: (rng, _c, count) =>
    Array.from({ length: count }, () => [Array.from({ length: rng.int(0, 6) }, () => rng.pick(['a', 'b', 'c', 'x', '#', ' ']).repeat(rng.int(1, 4))).join('')]),
  bugs: [
    { js: ['    i = j;', '    i = j + 1;'], py: ['        i = j', '        i = j + 1'] },
    { js: ['while (i < s.length)', 'while (i < s.length - 1)'], py: ['while i < len(s):', 'while i < len(s) - 1:'] },
  ],
};

const topWords: FunctionSpec = {
  key: 'top-words',
  names: ['top_words', 'frequent_words', 'word_ranking'],
  args: ['text'],
  constants: (rng) => ({ K: String(rng.int(2, 4)) }),
  doc: (c) =>
    `Return the ${c.K} most frequent words of \`text\` as [word, count] pairs. Words are maximal runs of ASCII letters, compared lowercased; order by count (highest first), then alphabetically; fewer pairs when there are fewer words.`,
  js: (name, c) => `function ${name}(text) {
  const counts = new Map();
  for (const word of text.toLowerCase().split(/[^a-z]+/)) {
    if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, ${c.K});
}`,
  py: (name, c) => `def ${name}(text):
    import re
    counts = {}
    for word in re.split(r'[^a-z]+', text.lower()):
        if word:
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [[word, count] for word, count in ranked[:${c.K}]]`,
  inputs: (rng, _c, count) => Array.from({ length: count }, () => [sentence(rng, rng.int(0, 12))]),
  bugs: [
    { js: ['b[1] - a[1]', 'a[1] - b[1]'], py: ['(-item[1], item[0])', '(item[1], item[0])'] },
    { js: ['a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0', '0'], py: ['(-item[1], item[0])', '(-item[1],)'] },
  ],
};

const balanced: FunctionSpec = {
  key: 'balanced',
  names: ['is_balanced', 'brackets_match', 'well_nested'],
  args: ['s'],
  constants: (rng) => ({ PAIRS: rng.pick(['()[]', '()[]{}', '()<>', '[]{}<>']) }),
  doc: (c) => `Return true when the brackets ${[...c.PAIRS!].join(' ')} in \`s\` are balanced and properly nested; every other character is ignored.`,
  js: (name, c) => {
    const pairs = pairList(c.PAIRS!)
      .map(([o, cl]) => `'${cl}': '${o}'`)
      .join(', ');
    return `function ${name}(s) {
  const pairs = { ${pairs} };
  const opens = new Set(Object.values(pairs));
  const stack = [];
  for (const ch of s) {
    if (opens.has(ch)) stack.push(ch);
    else if (ch in pairs) {
      if (stack.length === 0 || stack.pop() !== pairs[ch]) return false;
    }
  }
  return stack.length === 0;
}`;
  },
  py: (name, c) => {
    const pairs = pairList(c.PAIRS!)
      .map(([o, cl]) => `'${cl}': '${o}'`)
      .join(', ');
    return `def ${name}(s):
    pairs = {${pairs}}
    opens = set(pairs.values())
    stack = []
    for ch in s:
        if ch in opens:
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack`;
  },
  inputs: (rng, c, count) =>
    Array.from({ length: count }, (_, i) => {
      const chars = [...c.PAIRS!, 'a', '1'];
      if (i % 3 === 0) return [nested(rng, pairList(c.PAIRS!), rng.int(1, 4))];
      if (i % 3 === 1) return [nested(rng, pairList(c.PAIRS!), rng.int(1, 3)) + c.PAIRS![0]];
      return [Array.from({ length: rng.int(0, 8) }, () => rng.pick(chars)).join('')];
    }),
  bugs: [
    { js: ['return stack.length === 0;\n}', 'return true;\n}'], py: ['    return not stack', '    return True'] },
    { js: ['stack.pop() !== pairs[ch]', 'stack[stack.length - 1] !== pairs[ch]'], py: ['stack.pop() != pairs[ch]', 'stack[-1] != pairs[ch]'] },
  ],
};

function pairList(pairs: string): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < pairs.length; i += 2) out.push([pairs[i]!, pairs[i + 1]!]);
  return out;
}

function nested(rng: Rng, pairs: [string, string][], depth: number): string {
  if (depth === 0) return rng.pick(['', 'x', 'ab']);
  const [open, close] = rng.pick(pairs);
  return open + nested(rng, pairs, depth - 1) + close + (rng.int(0, 2) === 0 ? nested(rng, pairs, depth - 1) : '');
}

const digitRoot: FunctionSpec = {
  key: 'digit-root',
  names: ['digit_root', 'repeated_digit_sum', 'collapse_digits'],
  args: ['n'],
  constants: (rng) => ({ B: String(rng.pick([7, 8, 9, 11, 12, 16])) }),
  doc: (c) =>
    `Given a non-negative integer \`n\`, replace it by the sum of its digits written in base ${c.B} until it is smaller than ${c.B}; return that number.`,
  js: (name, c) => `function ${name}(n) {
  while (n >= ${c.B}) {
    let total = 0;
    while (n > 0) {
      total += n % ${c.B};
      n = Math.floor(n / ${c.B});
    }
    n = total;
  }
  return n;
}`,
  py: (name, c) => `def ${name}(n):
    while n >= ${c.B}:
        total = 0
        while n > 0:
            total += n % ${c.B}
            n //= ${c.B}
        n = total
    return n`,
  inputs: (rng, c, count) => {
    const b = Number(c.B);
    return Array.from({ length: count }, (_, i) => [i === 0 ? b : i === 1 ? b * b + b - 1 : i === 2 ? 2 * b - 1 : rng.int(0, 5_000_000)]);
  },
  bugs: [
    { js: ['while (n >= ', 'while (n > '], py: ['while n >= ', 'while n > '] },
    { js: ['total += n % ', 'total += 1 + n % '], py: ['total += n % ', 'total += 1 + n % '] },
  ],
};

const kthLargest: FunctionSpec = {
  key: 'kth-largest',
  names: ['kth_largest', 'rank_value', 'nth_biggest'],
  args: ['nums'],
  constants: (rng) => ({ K: String(rng.int(2, 3)) }),
  doc: (c) =>
    `Return the ${c.K === '2' ? '2nd' : '3rd'} largest distinct value in the list \`nums\`, or null (None in Python) when it has fewer than ${c.K} distinct values.`,
  js: (name, c) => `function ${name}(nums) {
  const distinct = [...new Set(nums)].sort((a, b) => b - a);
  return distinct.length >= ${c.K} ? distinct[${Number(c.K) - 1}] : null;
}`,
  py: (name, c) => `def ${name}(nums):
    distinct = sorted(set(nums), reverse=True)
    return distinct[${Number(c.K) - 1}] if len(distinct) >= ${c.K} else None`,
  inputs: (rng, c, count) =>
    Array.from({ length: count }, (_, i) => {
      if (i === 0) return [[9, 9, 9, 4, 4, 1, 7, 7]];
      if (i === 1) return [Array.from({ length: Number(c.K) }, () => 5)];
      return [ints(rng, rng.int(0, 9), -5, 12)];
    }),
  bugs: [
    { js: ['[...new Set(nums)]', '[...nums]'], py: ['sorted(set(nums)', 'sorted(list(nums)'] },
    { js: ['(a, b) => b - a', '(a, b) => a - b'], py: [', reverse=True)', ')'] },
  ],
};

const ranges: FunctionSpec = {
  key: 'ranges',
  names: ['compress_ranges', 'summarize_ranges', 'range_string'],
  args: ['nums'],
  constants: (rng) => ({ SEP: rng.pick([',', ', ', ';']) }),
  doc: (c) =>
    `Sort the distinct integers of \`nums\` and describe them as ranges joined by ${JSON.stringify(c.SEP)}: a run of consecutive integers a..b (b > a) becomes "a-b", a lone integer becomes "a". An empty list gives "".`,
  js: (name, c) => `function ${name}(nums) {
  const sorted = [...new Set(nums)].sort((a, b) => a - b);
  const parts = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? \`\${sorted[i]}-\${sorted[j]}\` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join('${c.SEP}');
}`,
  py: (name, c) => `def ${name}(nums):
    ordered = sorted(set(nums))
    parts = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(f'{ordered[i]}-{ordered[j]}' if j > i else str(ordered[i]))
        i = j + 1
    return '${c.SEP}'.join(parts)`,
  inputs: (rng, _c, count) => Array.from({ length: count }, (_, i) => [i === 0 ? [1, 2, 3, 5, 7, 8] : ints(rng, rng.int(0, 10), 0, 20)]),
  bugs: [
    { js: ['j > i ?', 'j > i + 1 ?'], py: ['if j > i else', 'if j > i + 1 else'] },
    { js: ['sorted[j] + 1) j++', 'sorted[j]) j++'], py: ['ordered[j] + 1:', 'ordered[j]:'] },
  ],
};

export const FUNCTION_SPECS: readonly FunctionSpec[] = [sumMultiples, caesar, chunk, runLength, topWords, balanced, digitRoot, kthLargest, ranges];

/** One concrete function: a spec with its name and constants chosen. */
export interface ConcreteFunction {
  spec: FunctionSpec;
  name: string;
  constants: Record<string, string>;
  doc: string;
  js: string;
  py: string;
}

export function concreteFunction(spec: FunctionSpec, rng: Rng, name = rng.pick(spec.names)): ConcreteFunction {
  const constants = spec.constants(rng);
  return { spec, name, constants, doc: spec.doc(constants), js: spec.js(name, constants), py: spec.py(name, constants) };
}

/** Runs a JavaScript function source in this process (our own reference code, never the agent's). */
export function evaluateJs(source: string, name: string, args: Json[]): { value?: Json; error?: string } {
  try {
    const fn = new Function(`${source}\nreturn ${name};`)() as (...a: Json[]) => Json;
    return { value: JSON.parse(JSON.stringify(fn(...structuredClone(args)) ?? null)) as Json };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

/** Replaces the one occurrence of `from` in `source`; undefined when it is not there exactly once. */
export function replaceOnce(source: string, from: string, to: string): string | undefined {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0) return undefined;
  return source.slice(0, at) + to + source.slice(at + from.length);
}

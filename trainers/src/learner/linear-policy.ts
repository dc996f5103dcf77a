import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PolicyFormatError } from '../errors.js';
import { FEATURE_VERSION, featurize, type SparseFeatures } from './features.js';
import type { PolicyState } from './policy-state.js';

export const POLICY_FILE = 'policy.json';
const FORMAT = 'workgym-linear-policy';

/** One decision to learn from: the candidates' features, the chosen index and its weight. */
export interface Decision {
  features: SparseFeatures[];
  chosen: number;
  /** Behaviour cloning: 1. Policy gradient: the episode's advantage. */
  weight: number;
}

export interface UpdateOptions {
  learningRate?: number;
  l2?: number;
  /**
   * `adagrad` (default): per-feature steps scaled by each feature's gradient history.
   * `normalized`: a plain gradient step divided by the decision's largest squared feature norm,
   * so one decision moves any candidate's score by at most learningRate x 2|weight|, however many
   * features fire. Adagrad moves every newly seen feature by about the learning rate, and a code
   * candidate has a thousand (instruction word x argument word): one policy-gradient batch from
   * an untrained policy then shifts a score by tens of logits and the policy collapses.
   */
  step?: 'adagrad' | 'normalized';
}

/** Where a policy came from, saved with it. */
export interface PolicyMeta {
  method: string;
  trainedOn: string[];
  examples: number;
  history: { step: string; detail: string }[];
}

/**
 * The embedded learner's model: a softmax over the state's candidate actions, scored by a
 * linear function of hashed features. Updates are Adagrad steps on the (weighted) log-likelihood
 * of the chosen candidate: weight 1 is behaviour cloning, weight = advantage is REINFORCE with a
 * group baseline (GRPO, RLOO...). Small enough to train on CPU in seconds.
 */
export class LinearPolicy {
  readonly weights: Float32Array;
  private readonly accum: Float32Array;

  constructor(
    readonly dim = 1 << 18,
    weights?: Float32Array,
    public meta: PolicyMeta = { method: 'untrained', trainedOn: [], examples: 0, history: [] },
  ) {
    this.weights = weights ?? new Float32Array(dim);
    this.accum = new Float32Array(dim).fill(0.1);
  }

  features(state: PolicyState): SparseFeatures[] {
    return featurize(state, this.dim);
  }

  scores(features: readonly SparseFeatures[]): number[] {
    return features.map((f) => {
      let s = 0;
      for (let i = 0; i < f.index.length; i++) s += this.weights[f.index[i]!]! * f.value[i]!;
      return s;
    });
  }

  /** Softmax of scores / temperature; temperature 0 puts all mass on the best (first on ties). */
  probabilities(features: readonly SparseFeatures[], temperature = 1): number[] {
    const scores = this.scores(features);
    if (scores.length === 0) return [];
    if (temperature <= 0) {
      const best = scores.indexOf(Math.max(...scores));
      return scores.map((_, i) => (i === best ? 1 : 0));
    }
    const max = Math.max(...scores);
    const exp = scores.map((s) => Math.exp((s - max) / temperature));
    const total = exp.reduce((a, b) => a + b, 0);
    return exp.map((e) => e / total);
  }

  /** Samples a candidate index (greedy at temperature 0). */
  choose(state: PolicyState, temperature: number, random: () => number): { index: number; probability: number } {
    const p = this.probabilities(this.features(state), temperature);
    let u = random();
    for (let i = 0; i < p.length; i++) {
      u -= p[i]!;
      if (u <= 0 || i === p.length - 1) return { index: i, probability: p[i]! };
    }
    return { index: -1, probability: 0 };
  }

  /** One pass over the decisions; returns the mean negative log-likelihood before the updates. */
  update(decisions: readonly Decision[], options: UpdateOptions = {}): number {
    const lr = options.learningRate ?? 0.5;
    const l2 = options.l2 ?? 1e-5;
    let loss = 0;
    for (const d of decisions) {
      if (d.weight === 0 || d.features.length < 2) continue;
      const p = this.probabilities(d.features);
      loss += -Math.log(Math.max(p[d.chosen]!, 1e-12));
      // d/dw log p(chosen) = phi(chosen) - sum_c p(c) phi(c); ascend it, scaled by the weight.
      const grad = new Map<number, number>();
      d.features.forEach((f, c) => {
        const coef = ((c === d.chosen ? 1 : 0) - p[c]!) * d.weight;
        if (coef === 0) return;
        for (let i = 0; i < f.index.length; i++) grad.set(f.index[i]!, (grad.get(f.index[i]!) ?? 0) + coef * f.value[i]!);
      });
      if (options.step === 'normalized') {
        const scale = lr / Math.max(1, ...d.features.map(squaredNorm));
        for (const [i, g0] of grad) this.weights[i] = this.weights[i]! + scale * (g0 - l2 * this.weights[i]!);
        continue;
      }
      for (const [i, g0] of grad) {
        const g = g0 - l2 * this.weights[i]!;
        this.accum[i] = this.accum[i]! + g * g;
        this.weights[i] = this.weights[i]! + (lr * g) / Math.sqrt(this.accum[i]!);
      }
    }
    return decisions.length ? loss / decisions.length : 0;
  }

  clone(): LinearPolicy {
    const copy = new LinearPolicy(this.dim, Float32Array.from(this.weights), structuredClone(this.meta));
    copy.accum.set(this.accum);
    return copy;
  }

  /** Writes `<dir>/policy.json`: format, feature version, metadata and the weights (base64 float32). */
  async save(dir: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, POLICY_FILE);
    const body = {
      format: FORMAT,
      version: 1,
      featureVersion: FEATURE_VERSION,
      dim: this.dim,
      meta: this.meta,
      weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64'),
    };
    await writeFile(path, JSON.stringify(body));
    return path;
  }

  static async load(dir: string): Promise<LinearPolicy> {
    const path = join(dir, POLICY_FILE);
    let body: { format?: string; featureVersion?: number; dim?: number; meta?: PolicyMeta; weights?: string };
    try {
      body = JSON.parse(await readFile(path, 'utf8')) as typeof body;
    } catch (error) {
      throw new PolicyFormatError(`cannot read a policy from ${path}: ${(error as Error).message}. Train one with \`workgym train --from RUN --out ${dir}\``, {
        cause: error,
      });
    }
    if (body.format !== FORMAT) throw new PolicyFormatError(`${path} is not a workgym linear policy (format ${JSON.stringify(body.format)})`);
    if (body.featureVersion !== FEATURE_VERSION) {
      throw new PolicyFormatError(`${path} was trained with features v${body.featureVersion}; this workgym computes v${FEATURE_VERSION}: retrain it`);
    }
    const bytes = Buffer.from(body.weights ?? '', 'base64');
    if (!body.dim || bytes.length !== body.dim * 4) throw new PolicyFormatError(`${path}: the weights do not match dim ${body.dim}`);
    const weights = new Float32Array(body.dim);
    new Uint8Array(weights.buffer).set(bytes);
    return new LinearPolicy(body.dim, weights, body.meta);
  }
}

function squaredNorm(f: SparseFeatures): number {
  let sum = 0;
  for (let i = 0; i < f.value.length; i++) sum += f.value[i]! * f.value[i]!;
  return sum;
}

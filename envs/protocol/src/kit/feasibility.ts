import type { ExpertAction, Session, StepOutcome, ValidToolCall } from '../environment.js';
import type { Observation, ToolSpec, Verdict } from '../messages.js';
import type { ComponentDecl } from '../reward.js';
import { Rng, splitSeed } from '../rng.js';
import { diffStates, describeChanges, type StateSnapshot } from './state.js';
import { defineTools, z, type ToolTable } from './tools.js';

/** The tool every generated family's session offers to say its request cannot be done. */
export const REPORT_INFEASIBLE = 'report_infeasible';

/** The guard a family listing the `infeasible` feature has last: the episode's ending matches the seed (a report on an infeasible seed, anything else on the others). */
export const FEASIBILITY = 'feasibility';

const DEFINITIONS = {
  [REPORT_INFEASIBLE]: {
    description:
      'Say that the task cannot be done as asked (what it needs does not exist, contradicts itself or breaks a rule the task gives), and why: ends the episode. Change nothing before calling it.',
    args: z.strictObject({
      reason: z.string().min(1).max(2_000).describe('Why the task cannot be done, from what you found (the missing item, the rule it breaks).'),
    }),
  },
};

/** `report_infeasible` as a tool table, for an env's catalogue of tools. */
export const REPORT_INFEASIBLE_TOOL: ToolTable<typeof DEFINITIONS> = defineTools(DEFINITIONS);

/** Seeds per block, one of them infeasible: a share of exactly a quarter over any four consecutive seeds. */
const BLOCK = 4;
/** Salt of the block's own generator, apart from every instance's. */
const PLACE_SALT = 0x1f3a;

/**
 * Whether the seed of the family `family` (its id) is one of its infeasible ones, where it lists
 * `infeasible`: one seed in every block of four consecutive seeds, at a place drawn from the
 * family, the split and the block, so the share is exact over any run of seeds, no arithmetic on
 * the seed finds them, and the families' infeasible seeds are not the same ones.
 */
export function infeasibleSeed(family: string, split: string, seed: number): boolean {
  const block = Math.floor(seed / BLOCK);
  const place = new Rng(splitSeed(split, block)).fork(PLACE_SALT ^ nameHash(family)).int(0, BLOCK - 1);
  return seed % BLOCK === place;
}

/** FNV-1a of a name: a family's own salt. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** What the kit knows of the task it judges feasibility for. */
export interface FeasibilityJudging {
  /** The seed asks for what cannot be done. */
  infeasible: boolean;
  /** The family's components as the catalogue lists them (with the guard `feasibility` last when it has the feature). */
  components: readonly ComponentDecl[];
}

/**
 * A generated family's session with `report_infeasible` added: the call ends the episode, and
 * the verdict is the kit's. On an infeasible seed success needs the report and no change to the
 * env's state since the reset (`Session.state`); the report earns nothing on any other seed, and
 * an infeasible seed ended any other way fails. Everything else is the env's own session.
 */
export class FeasibilitySession implements Session {
  readonly tools: readonly ToolSpec[];
  readonly expert?: (signal: AbortSignal, strategy: string) => Promise<ExpertAction>;
  readonly state?: () => Promise<StateSnapshot>;
  private reason: string | undefined;
  private ended: Observation | undefined;

  private constructor(
    private readonly inner: Session,
    private readonly judging: FeasibilityJudging,
    private readonly start: StateSnapshot | undefined,
  ) {
    if (inner.tools.some((t) => t.name === REPORT_INFEASIBLE)) throw new TypeError(`the session already offers a tool named ${REPORT_INFEASIBLE}`);
    this.tools = [...inner.tools, ...REPORT_INFEASIBLE_TOOL.specs];
    if (inner.expert) this.expert = (signal, strategy) => inner.expert!(signal, strategy);
    if (inner.state) this.state = () => inner.state!();
  }

  /** Wraps `inner`; an infeasible seed's state is taken now, to be compared at the end. */
  static async open(inner: Session, judging: FeasibilityJudging): Promise<FeasibilitySession> {
    if (!judging.infeasible) return new FeasibilitySession(inner, judging, undefined);
    if (!inner.state) throw new TypeError('an infeasible task needs a session that can snapshot its state (Session.state)');
    return new FeasibilitySession(inner, judging, await inner.state());
  }

  get instruction(): string {
    return this.inner.instruction;
  }

  get observation(): Observation {
    return this.ended ?? this.inner.observation;
  }

  async step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    if (call.name !== REPORT_INFEASIBLE) return this.inner.step(call, signal);
    this.reason = REPORT_INFEASIBLE_TOOL.parse(REPORT_INFEASIBLE, call.arguments).reason;
    const text = `Reported that the task cannot be done: ${this.reason}`;
    this.ended = { text, rawSize: Buffer.byteLength(text) };
    return { observation: this.ended, terminated: true };
  }

  async verify(signal: AbortSignal): Promise<Verdict> {
    const verdict = this.reason === undefined ? await this.judgeWork(signal) : await this.judgeReport(this.reason);
    return { ...verdict, reward: verdict.success ? 1 : 0, infeasible: this.judging.infeasible };
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The episode ended without a report: the family's verdict, which an infeasible seed fails. */
  private async judgeWork(signal: AbortSignal): Promise<Verdict> {
    const verdict = await this.inner.verify(signal);
    if (!this.judging.infeasible) return this.withFeasibility(verdict, 1);
    const detail = `the task could not be done as asked, and only report_infeasible succeeds on it (the verifier found: ${verdict.detail ?? ''})`;
    return { ...this.withFeasibility(verdict, 0), success: false, detail };
  }

  private async judgeReport(reason: string): Promise<Verdict> {
    const quoted = JSON.stringify(reason);
    if (!this.judging.infeasible) {
      return { success: false, components: this.components(0, 0, 0), detail: `reported ${quoted}, but the task could be done` };
    }
    const changes = diffStates(this.start!, await this.inner.state!());
    if (changes.length > 0) {
      return { success: false, components: this.components(1, 0, 0), detail: `reported ${quoted}, but changed ${describeChanges(changes)} first` };
    }
    return { success: true, components: this.components(1, 1, 1), detail: `the task could not be done, and the report said so: ${quoted}` };
  }

  /** Every declared component: `feasibility`, the family's progress components and its guards. */
  private components(feasibility: number, progress: number, guard: number): Record<string, number> {
    return Object.fromEntries(this.judging.components.map((c) => [c.name, c.name === FEASIBILITY ? feasibility : c.kind === 'guard' ? guard : progress]));
  }

  private withFeasibility(verdict: Verdict, feasibility: number): Verdict {
    if (!this.judging.components.some((c) => c.name === FEASIBILITY)) return verdict;
    return { ...verdict, components: { ...verdict.components, [FEASIBILITY]: feasibility } };
  }
}

import { ENDING_TOOLS } from '../ending-tools.js';
import type { ExpertAction, Session, StepOutcome, ValidToolCall } from '../environment.js';
import type { Observation, ToolSpec, Verdict } from '../messages.js';
import type { ComponentDecl } from '../reward.js';
import { FEASIBILITY, REPORT_INFEASIBLE, REPORT_INFEASIBLE_TOOL } from './feasibility.js';
import { ActionError } from '../errors.js';
import { MESSAGE, MESSAGE_TOOL, messageResult, MUTED, PARAPHRASE_PREFIX, type People } from './people.js';
import { recordChanges } from './recorded-changes.js';
import { describeChanges, diffStates, type StateChange, type StateSnapshot } from './state.js';

/** The guard of a family whose whole state the kit judges: nothing changed that the task does not expect. */
export const NO_COLLATERAL = 'no_collateral';

/**
 * The near-miss the kit plays for such a family (the conformance check's `collateral` case): the
 * expert's default strategy, plus one change the task does not expect, made just before the end.
 */
export const COLLATERAL = 'collateral';

/** What the kit knows of the task it judges. */
export interface Judging {
  /** The seed asks for what cannot be done. */
  infeasible: boolean;
  /** The family's whole state is judged: every change must be one its session expects (`Session.expectsChange`). */
  collateral: boolean;
  /** The family's components as the catalogue lists them (the kit's guards included). */
  components: readonly ComponentDecl[];
  /** The task's people, for a family listing `people`: the session offers `message` where one of them answers on it. */
  people?: People;
}

/**
 * A generated family's session as the kit judges it. It adds `report_infeasible`, which ends the
 * episode: on an infeasible seed success needs the report and no change to the env's state since
 * the reset (`Session.state`); the report earns nothing on any other seed, and an infeasible seed
 * ended any other way fails. For a family whose whole state is judged, any change the session
 * does not expect fails the guard `no_collateral`, and the expert plays the `collateral`
 * near-miss. Where the session can snapshot its state, every verdict lists what changed since
 * the reset (Verdict.changes, as the session presents them). Everything else is the env's own session.
 */
export class JudgedSession implements Session {
  readonly tools: readonly ToolSpec[];
  readonly expert?: (signal: AbortSignal, strategy: string) => Promise<ExpertAction>;
  readonly state?: () => Promise<StateSnapshot>;
  private reason: string | undefined;
  private ended: Observation | undefined;
  private touched = false;

  private constructor(
    private readonly inner: Session,
    private readonly judging: Judging,
    private readonly start: StateSnapshot | undefined,
  ) {
    const added = [...(judging.people?.on(MESSAGE).length ? MESSAGE_TOOL.specs : []), ...REPORT_INFEASIBLE_TOOL.specs];
    const clash = inner.tools.find((t) => added.some((a) => a.name === t.name));
    if (clash) throw new TypeError(`the session already offers a tool named ${clash.name}`);
    this.tools = [...inner.tools, ...added];
    if (inner.expert) this.expert = (signal, strategy) => this.expertAction(signal, strategy);
    if (inner.state) this.state = () => inner.state!();
  }

  /**
   * Wraps `inner`; where it can snapshot its state, the start's is taken now, for every family:
   * the verdict records what changed (one snapshot per reset costs little next to the reset).
   */
  static async open(inner: Session, judging: Judging): Promise<JudgedSession> {
    if (judging.collateral && !(inner.state && inner.expectsChange && inner.touch))
      throw new TypeError('a family whose whole state is judged needs sessions with state, expectsChange and touch');
    if (judging.infeasible && !inner.state) throw new TypeError('an infeasible task needs a session that can snapshot its state (Session.state)');
    const start = inner.state ? await inner.state() : undefined;
    return new JudgedSession(inner, judging, start);
  }

  get instruction(): string {
    return this.inner.instruction;
  }

  get observation(): Observation {
    return this.ended ?? this.inner.observation;
  }

  async step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    const outcome = call.name === MESSAGE && this.judging.people ? await this.message(this.judging.people, call) : await this.innerStep(call, signal);
    const people = this.judging.people?.takeTurns() ?? [];
    return people.length > 0 ? { ...outcome, people } : outcome;
  }

  /** Delivers a `message` call and answers with the reply (the observation shows it). */
  private async message(people: People, call: ValidToolCall): Promise<StepOutcome> {
    const { to, text } = MESSAGE_TOOL.parse(MESSAGE, call.arguments);
    const person = people.person(to);
    if (!person || person.channel !== MESSAGE) {
      const known = people.on(MESSAGE).map((p) => p.id);
      throw new ActionError('invalid_arguments', `no one called ${JSON.stringify(to)} can be messaged here (you can message: ${known.join(', ')})`);
    }
    const reply = messageResult(person, await people.send(to, text));
    return { observation: { text: reply, rawSize: Buffer.byteLength(reply) } };
  }

  private async innerStep(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    if (call.name !== REPORT_INFEASIBLE) return this.inner.step(call, signal);
    this.reason = REPORT_INFEASIBLE_TOOL.parse(REPORT_INFEASIBLE, call.arguments).reason;
    const text = `Reported that the task cannot be done: ${this.reason}`;
    this.ended = { text, rawSize: Buffer.byteLength(text) };
    return { observation: this.ended, terminated: true };
  }

  /** The verdict, with what changed since the reset where the session can tell (judged after the family's verifier ran). */
  async verify(signal: AbortSignal): Promise<Verdict> {
    const work = this.reason === undefined ? await this.inner.verify(signal) : undefined;
    const changes = this.start && diffStates(this.start, await this.inner.state!());
    const verdict = work ? this.judgeWork(work, changes) : this.judgeReport(this.reason!, changes);
    const recorded = changes ? await recordChanges(changes, this.inner.presentChanges?.bind(this.inner)) : {};
    return { ...verdict, infeasible: this.judging.infeasible, ...recorded };
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The expert's next action; the `collateral` near-miss first changes what the task does not expect, before the ending call. */
  private async expertAction(signal: AbortSignal, strategy: string): Promise<ExpertAction> {
    const people = this.judging.people;
    if (people && strategy === MUTED) {
      people.mode = 'muted';
      return this.inner.expert!(signal, '');
    }
    if (people && strategy.startsWith(PARAPHRASE_PREFIX)) {
      people.paraphrase = Number(strategy.slice(PARAPHRASE_PREFIX.length));
      return this.inner.expert!(signal, '');
    }
    if (strategy !== COLLATERAL || !this.judging.collateral) return this.inner.expert!(signal, strategy);
    const action = await this.inner.expert!(signal, '');
    if (!this.touched && action.calls.some((call) => ENDING_TOOLS.includes(call.name ?? ''))) {
      this.touched = true;
      await this.touchUnexpected();
    }
    return action;
  }

  /** Changes one thing the task does not expect to change: the middle one of them, by key. */
  private async touchUnexpected(): Promise<void> {
    const keys = Object.keys(await this.inner.state!())
      .filter((key) => !this.inner.expectsChange!(key))
      .sort();
    if (keys.length === 0) throw new Error('the session expects every part of its state to change: there is nothing to change unexpectedly');
    await this.inner.touch!(keys[Math.floor(keys.length / 2)]!);
  }

  /** The episode ended without a report: the family's verdict, failed by unexpected changes and by an infeasible seed. */
  private judgeWork(work: Verdict, changes: StateChange[] | undefined): Verdict {
    const verdict = this.judging.collateral ? this.withCollateral(work, changes!) : work;
    if (!this.judging.infeasible) return this.withComponent(verdict, FEASIBILITY, 1);
    const detail = `the task could not be done as asked, and only report_infeasible succeeds on it (the verifier found: ${verdict.detail ?? ''})`;
    return { ...this.withComponent(verdict, FEASIBILITY, 0), success: false, reward: 0, detail };
  }

  private withCollateral(verdict: Verdict, changes: readonly StateChange[]): Verdict {
    const unexpected = changes.filter((change) => !this.inner.expectsChange!(change.key));
    if (unexpected.length === 0) return this.withComponent(verdict, NO_COLLATERAL, 1);
    const detail = `${verdict.detail ?? ''}; changed what the task did not ask for: ${describeChanges(unexpected)}`;
    return { ...this.withComponent(verdict, NO_COLLATERAL, 0), success: false, reward: 0, detail };
  }

  private judgeReport(reason: string, changes: readonly StateChange[] | undefined): Verdict {
    const quoted = JSON.stringify(reason);
    if (!this.judging.infeasible) {
      return { success: false, reward: 0, components: this.components(0, 0, 0), detail: `reported ${quoted}, but the task could be done` };
    }
    if (changes!.length > 0) {
      return { success: false, reward: 0, components: this.components(1, 0, 0), detail: `reported ${quoted}, but changed ${describeChanges(changes!)} first` };
    }
    return { success: true, reward: 1, components: this.components(1, 1, 1), detail: `the task could not be done, and the report said so: ${quoted}` };
  }

  /** Every declared component: `feasibility`, the family's progress components and its guards. */
  private components(feasibility: number, progress: number, guard: number): Record<string, number> {
    return Object.fromEntries(this.judging.components.map((c) => [c.name, c.name === FEASIBILITY ? feasibility : c.kind === 'guard' ? guard : progress]));
  }

  /** The verdict with the kit's component `name` set, where the family lists it. */
  private withComponent(verdict: Verdict, name: string, value: number): Verdict {
    if (!this.judging.components.some((c) => c.name === name)) return verdict;
    return { ...verdict, components: { ...verdict.components, [name]: value } };
  }
}

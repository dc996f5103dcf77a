import type { Derivation, Observation, TaskFamily, ToolCall, ToolSpec, Verdict } from './messages.js';
import type { People, PersonTurn, PersonVoice } from './kit/people.js';
import type { StateChange } from './kit/state.js';

/** What an env server is told to open: one task instance. */
export interface EpisodeSpec {
  family: string;
  seed: number;
  split: string;
  options: Record<string, unknown>;
  /**
   * The task's people, for a family listing the `people` feature (the kit sets it before `open`):
   * an env's own channel (a ticket thread, webmail) delivers the agent's words through it, and
   * the family's expert reads from it what the people have said.
   */
  people?: People;
  /**
   * Who plays the task's people instead of their script (a reset with people "client": the
   * client's language model, asked over the protocol); the kit builds `people` with it.
   */
  peopleVoice?: PersonVoice;
}

/** A tool call whose name is one of the session's tools and whose arguments match its schema. */
export interface ValidToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** What one tool call did. Throw an ActionError instead when the call cannot be carried out. */
export interface StepOutcome {
  observation: Observation;
  /** A shaping reward for this step; the final reward always comes from `verify`. */
  reward?: number;
  /** The task reached an end state (submitted, solved, failed for good). */
  terminated?: boolean;
  info?: Record<string, unknown>;
  /** What the task's people said because of this call (the kit fills it in for a people family). */
  people?: PersonTurn[];
}

/** The expert's next action: the calls, why (from what the episode showed), and computed values. */
export interface ExpertAction {
  calls: ToolCall[];
  text: string;
  derived?: Derivation[];
}

/**
 * One episode inside an env. The server validates tool calls against `tools` before they reach
 * `step`, counts steps, applies the step limit and calls `verify` when the episode ends.
 * `await using session = await env.reset(...)` closes it however the block ends.
 */
export interface Session extends AsyncDisposable {
  readonly instruction: string;
  readonly tools: readonly ToolSpec[];
  readonly observation: Observation;
  step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome>;
  /** Runs the task's verifier over the current state; reward in 0..1. */
  verify(signal: AbortSignal): Promise<Verdict>;
  /**
   * The reference solution's next action at this state, following `strategy`: one of the
   * family's strategies or near-misses. Through the server it is always a listed name (the server
   * picks the seed's default and refuses unknown names); "" (a family with none listed, or an
   * in-process caller) means the family's default.
   */
  expert?(signal: AbortSignal, strategy: string): Promise<ExpertAction>;
  /**
   * A canonical snapshot of all the state an agent can change in the session (every record of
   * every site, every cell of every sheet, the file tree), read on the env's side, never through
   * what the agent sees: the kit compares the reset's with the end's (`diffStates`) and records
   * every change in the verdict (Verdict.changes). Needed by families with infeasible seeds,
   * where success means nothing changed, and by families whose whole state is judged.
   */
  state?(): Promise<Readonly<Record<string, string>>>;
  /**
   * Whether the task expects the state at `key` (a key of `state`) to change: the family's
   * declared changes. For a family whose whole state is judged (`FamilyDef.collateral`), any
   * other change fails the kit's guard `no_collateral`.
   */
  expectsChange?(key: string): boolean;
  /**
   * Changes the state at `key` the way an agent could (another record edited, another cell
   * written, a file deleted): the conformance check's `collateral` case makes one such change.
   */
  touch?(key: string): Promise<void>;
  /**
   * `changes` (between two `state` snapshots, the reset's and now) as a person reads them: the
   * same keys, in the same order, with a canonical value (a hash) replaced by a readable one
   * where the session knows it (the code env gives a small text file's text at both ends). The
   * kit records them in the verdict (Verdict.changes); without it the canonical values go there.
   */
  presentChanges?(changes: StateChange[]): Promise<StateChange[]>;
  close(): Promise<void>;
}

/**
 * An environment: a catalogue of task families and a way to open sessions on them. Closing it
 * closes the sessions it opened and frees what it holds (a browser, processes); `await using`
 * does that however the block ends.
 */
export interface Environment extends AsyncDisposable {
  readonly name: string;
  readonly version: string;
  /** Sessions one server runs at once (default 1). */
  readonly maxSessions?: number;
  readonly capabilities?: readonly string[];
  families(): readonly TaskFamily[];
  /** Every tool a session may offer (a session offers these or a subset). */
  tools(): readonly ToolSpec[];
  reset(spec: EpisodeSpec, signal: AbortSignal): Promise<Session>;
  /**
   * The scenario a task belongs to: tasks of one scenario are related (the same generated world
   * asked different things). "" (or no method) when the family's tasks are independent.
   */
  scenario?(family: string, seed: number): string;
  /**
   * The difficulty tier of a task, for a family whose instances come in tiers (Task.difficulty).
   * "" (or no method) when every instance is of the family's difficulty.
   */
  tier?(family: string, seed: number, split: string): string;
  close(): Promise<void>;
}

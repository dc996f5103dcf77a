import type { Environment, EpisodeSpec, Session } from '../environment.js';
import type { TaskFamily, ToolSpec } from '../messages.js';
import type { FamilyCatalogue } from './catalogue.js';
import type { FamilyDef, InstanceOf } from './family.js';
import { REPORT_INFEASIBLE_TOOL } from './feasibility.js';
import { JudgedSession } from './judged-session.js';
import { MESSAGE_TOOL, People } from './people.js';
import { OpenSessions } from './open-sessions.js';

/** What the server's Hello says about an env. */
export interface EnvIdentity {
  /** The env's name: the first part of its family ids. */
  name: string;
  /** The env's version, as the server's Hello reports it. */
  version: string;
  /** Sessions one server runs at once (default 1). */
  maxSessions?: number;
  /** Protocol features the env offers (`expert`, `candidates`, ...). */
  capabilities?: readonly string[];
}

/**
 * The shape every env built on the kit shares: its catalogue and tool table answer `families()`
 * and `tools()`, `instance()` gives the task behind (family, seed, split) without a session, and
 * closing the env closes the sessions it opened before `release()` frees what the env holds
 * itself. An env writes `open` (one session of a task) and, if it holds anything, `release`.
 */
export abstract class EnvBase<Def extends FamilyDef<unknown>> implements Environment, AsyncDisposable {
  readonly name: string;
  readonly version: string;
  readonly maxSessions: number;
  readonly capabilities: readonly string[];
  private readonly sessions = new OpenSessions();

  protected constructor(
    identity: EnvIdentity,
    readonly catalogue: FamilyCatalogue<Def>,
    /** The env's own tools: what its sessions offer (the kit adds `report_infeasible` around a defined family's). */
    protected readonly ownTools: readonly ToolSpec[],
  ) {
    this.name = identity.name;
    this.version = identity.version;
    this.maxSessions = identity.maxSessions ?? 1;
    this.capabilities = identity.capabilities ?? [];
  }

  families(): readonly TaskFamily[] {
    return this.catalogue.families;
  }

  /** The env's tools, and the kit's: `report_infeasible` (every session of a defined family) and `message` (a family with people). */
  tools(): readonly ToolSpec[] {
    if (this.catalogue.definitions.length === 0) return this.ownTools;
    const message = this.catalogue.definitions.some((def) => def.people) ? MESSAGE_TOOL.specs : [];
    return [...this.ownTools, ...message, ...REPORT_INFEASIBLE_TOOL.specs];
  }

  /** The task a (family, seed, split) stands for, without opening a session. */
  instance(family: string, seed: number, split = 'train'): InstanceOf<Def> {
    return this.catalogue.instance(family, seed, split);
  }

  /** The scenario the task (family, seed) belongs to, as the family declares it ("" for none). */
  scenario(family: string, seed: number): string {
    return this.catalogue.find(family) ? this.catalogue.scenario(family, seed) : '';
  }

  /** The tier of the task (family, seed, split) as its family draws it ("" for a family not defined here). */
  tier(family: string, seed: number, split = 'train'): string {
    return this.catalogue.find(family) ? this.catalogue.tier(family, seed, split) : '';
  }

  /**
   * A session of the task `spec` names; `await using` closes it. A defined family's session is
   * judged by the kit too (`JudgedSession`): it offers `report_infeasible`, and where the family
   * asks for it, every change is checked against the ones it expects.
   */
  async reset(spec: EpisodeSpec, signal: AbortSignal): Promise<Session & AsyncDisposable> {
    const def = this.catalogue.find(spec.family);
    const cast = def ? this.catalogue.people(spec.family, spec.seed, spec.split) : [];
    const people = cast.length > 0 ? new People(cast, 'scripted', spec.peopleVoice) : undefined;
    const session = await this.open(people ? { ...spec, people } : spec, signal);
    if (!def) return this.sessions.track(session);
    try {
      const judging = {
        infeasible: this.catalogue.infeasible(spec.family, spec.seed, spec.split),
        collateral: def.collateral === true,
        components: this.catalogue.components(spec.family),
        people,
      };
      return this.sessions.track(await JudgedSession.open(session, judging));
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  /** Opens one session of the task `spec` names; what it takes is released if it fails half-way. */
  protected abstract open(spec: EpisodeSpec, signal: AbortSignal): Promise<Session>;

  /** Closes every session still open, then frees what the env holds (`release`). */
  async close(): Promise<void> {
    await this.sessions.closeAll();
    await this.release();
  }

  /** Frees what the env holds beyond its sessions (a browser, processes); nothing by default. */
  protected async release(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

import { CallRefusedError, Rng, splitSeed, type Environment, type EpisodeSpec, type Session, type TaskFamily, type ToolSpec } from '@workgym/protocol';
import { Judge } from './judge/judge.js';
import { prepareWorkspace } from './sandbox/prepare-workspace.js';
import { Sandbox } from './sandbox/sandbox.js';
import { CodeSession } from './session.js';
import { FAMILIES } from './tasks/index.js';
import type { FamilyDef, TaskInstance } from './tasks/task.js';
import { ALL_TOOLS } from './tools.js';

export const JOB = 'junior-programmer';

/**
 * The code sandbox: a workspace, a shell and file tools, hidden tests. One server runs one
 * session at a time (the workspace is the container's); parallelism comes from more containers.
 */
export class CodeEnv implements Environment {
  readonly name = 'code';
  readonly version = '0.1.0';
  readonly maxSessions = 1;
  readonly capabilities = ['expert', 'candidates'];
  private readonly catalogue: TaskFamily[];
  private sandboxInstance: Sandbox | undefined;
  private judge: Judge | undefined;

  constructor(private readonly families_: readonly FamilyDef[] = FAMILIES) {
    this.catalogue = families_.map((f) => ({
      id: `code/${f.name}`,
      job: JOB,
      difficulty: f.difficulty,
      description: f.description,
      splits: ['train', 'test'],
      strategies: [...f.strategies],
      nearMisses: [...f.nearMisses],
    }));
  }

  families(): TaskFamily[] {
    return this.catalogue;
  }

  tools(): readonly ToolSpec[] {
    return ALL_TOOLS;
  }

  /** The task a (family, split, seed) stands for, without opening a session. */
  instance(family: string, seed: number, split = 'train'): TaskInstance {
    const def = this.families_.find((f) => `code/${f.name}` === family);
    if (!def) throw new CallRefusedError('unknown_family', `no task family ${JSON.stringify(family)} in code`);
    return def.generate(new Rng(splitSeed(split, seed)));
  }

  async reset(spec: EpisodeSpec, signal: AbortSignal): Promise<Session> {
    const instance = this.instance(spec.family, spec.seed, spec.split);
    // The sandbox is made on first use, so listing tasks never needs root or a temp directory.
    this.sandboxInstance ??= Sandbox.fromEnvironment();
    this.judge ??= new Judge(this.sandboxInstance);
    await prepareWorkspace(this.sandboxInstance, instance, signal);
    return new CodeSession(instance.instruction, instance, this.sandboxInstance, this.judge);
  }

  async close(): Promise<void> {
    await this.sandboxInstance?.killAll('agent');
    await this.sandboxInstance?.killAll('judge');
  }
}

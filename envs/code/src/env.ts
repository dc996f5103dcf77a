import type { EnvCreateOptions, EpisodeSpec, Session } from '@workgym/protocol';
import { EnvBase, FamilyCatalogue } from '@workgym/protocol/kit';
import { VERIFIER_VERSIONS } from './gen/verifier-versions.js';
import { Judge } from './judge/judge.js';
import { prepareWorkspace } from './sandbox/prepare-workspace.js';
import { Sandbox } from './sandbox/sandbox.js';
import { CodeSession } from './session.js';
import { loadTaskSets } from './task-sets/index.js';
import { FAMILIES } from './tasks/index.js';
import type { FamilyDef } from './tasks/task.js';
import { TOOLS } from './tools.js';

export const JOB = 'junior-programmer';

/**
 * The code sandbox: a workspace, a shell and file tools, hidden tests. One server runs one
 * session at a time (the workspace is the container's); parallelism comes from more containers.
 */
export class CodeEnv extends EnvBase<FamilyDef> {
  private sandboxInstance: Sandbox | undefined;
  private judge: Judge | undefined;

  /**
   * @param families the generated families to offer
   * @param options.tasks task sets (HumanEval/MBPP JSONL, the generic code format): each task
   *   becomes a family code/<set>.<task id> beside `families` (src/task-sets/)
   */
  constructor(families: readonly FamilyDef[] = FAMILIES, options: EnvCreateOptions = {}) {
    const taskSets = loadTaskSets(options.tasks ?? [], taskSetCodeVersion());
    super(
      { name: 'code', version: '0.1.0', maxSessions: 1, capabilities: ['expert', 'candidates'] },
      new FamilyCatalogue('code', [...families, ...taskSets.families], { job: JOB, verifierVersions: { ...VERIFIER_VERSIONS, ...taskSets.versions } }),
      TOOLS.specs,
    );
  }

  protected async open(spec: EpisodeSpec, signal: AbortSignal): Promise<Session> {
    const instance = this.instance(spec.family, spec.seed, spec.split);
    // The sandbox is made on first use, so listing tasks never needs root or a temp directory.
    this.sandboxInstance ??= Sandbox.fromEnvironment();
    this.judge ??= new Judge(this.sandboxInstance);
    await prepareWorkspace(this.sandboxInstance, instance, signal);
    return new CodeSession(instance.instruction, instance, this.sandboxInstance, this.judge, spec.people);
  }

  protected override async release(): Promise<void> {
    await this.sandboxInstance?.killAll('agent');
    await this.sandboxInstance?.killAll('judge');
  }
}

/** The version of the code that loads and judges task sets (the loaders and the judge). */
function taskSetCodeVersion(): string {
  return `${VERIFIER_VERSIONS['task-sets'] ?? ''}/${VERIFIER_VERSIONS['task-set-judge'] ?? ''}`;
}

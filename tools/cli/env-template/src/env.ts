import type { EpisodeSpec, Session } from '@workgym/protocol';
import { EnvBase, FamilyCatalogue, type FamilyDef } from '@workgym/protocol/kit';
import { NotesSession } from './session.js';
import { findCode, type NotesTask } from './tasks/find-code.js';
import { TOOLS } from './tools.js';

/** Every family of the env; a new one is a FamilyDef in src/tasks/, listed here. */
export const FAMILIES: readonly FamilyDef<NotesTask>[] = [findCode];

/** The env: its catalogue and tools come from the kit; it writes only how to open a session. */
export class NotesEnv extends EnvBase<FamilyDef<NotesTask>> {
  constructor(families: readonly FamilyDef<NotesTask>[] = FAMILIES) {
    super(
      { name: '__ENV_NAME__', version: '0.1.0', maxSessions: 4, capabilities: ['expert', 'candidates'] },
      new FamilyCatalogue('__ENV_NAME__', families, { job: 'assistant' }),
      TOOLS.specs,
    );
  }

  protected async open(spec: EpisodeSpec): Promise<Session> {
    return new NotesSession(this.instance(spec.family, spec.seed, spec.split));
  }
}

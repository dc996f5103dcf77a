import type { EpisodeSpec, Session } from '@workgym/protocol';
import { EnvBase, FamilyCatalogue } from '@workgym/protocol/kit';
import { VERIFIER_VERSIONS } from './gen/verifier-versions.js';
import { buildWorkbook } from './tasks/build-workbook.js';
import { FAMILIES } from './tasks/index.js';
import type { FamilyDef } from './tasks/task.js';
import { SpreadsheetSession, type SessionTask } from './session.js';
import { TOOLS } from './tools.js';
import { verifyTask } from './verify.js';
import { SPREADSHEETBENCH_FAMILY, spreadsheetBenchFamily, spreadsheetBenchSession } from './spreadsheetbench/family.js';

export const JOB = 'data-analyst';

/**
 * The spreadsheet env: in-memory workbooks, a formula engine that recalculates after every edit,
 * and generated data-analyst tasks. Workbooks are small and in memory, so one server runs many
 * sessions at once.
 */
export class SpreadsheetEnv extends EnvBase<FamilyDef> {
  constructor(families: readonly FamilyDef[] = FAMILIES) {
    super(
      { name: 'spreadsheet', version: '0.1.0', maxSessions: 8, capabilities: ['expert', 'candidates'] },
      new FamilyCatalogue('spreadsheet', families, {
        job: JOB,
        external: [spreadsheetBenchFamily(JOB, VERIFIER_VERSIONS.spreadsheetbench ?? '')],
        verifierVersions: VERIFIER_VERSIONS,
      }),
      TOOLS.specs,
    );
  }

  protected async open(spec: EpisodeSpec): Promise<Session> {
    if (spec.family === SPREADSHEETBENCH_FAMILY) return spreadsheetBenchSession(spec);
    const def = this.catalogue.get(spec.family);
    const instance = this.instance(spec.family, spec.seed, spec.split);
    const start = buildWorkbook(instance.sheets);
    const task: SessionTask = {
      instruction: instance.instruction,
      focus: instance.focus,
      question: instance.question !== undefined,
      seed: spec.seed,
      strategies: def.strategies,
      expert: (view) => instance.expert(view),
      distractors: instance.distractors,
      verify: async (wb, answer) => verifyTask(instance, start, wb, answer, spec),
    };
    return new SpreadsheetSession(task, start.clone());
  }
}

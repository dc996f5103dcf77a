import { endsEpisode, type EpisodeSpec, type Session } from '@workgym/protocol';
import type { EnvCreateOptions } from '@workgym/protocol';
import { EnvBase, FamilyCatalogue } from '@workgym/protocol/kit';
import { VERIFIER_VERSIONS } from './gen/verifier-versions.js';
import { parseRange } from './engine/a1.js';
import { buildWorkbook } from './tasks/build-workbook.js';
import { restoreMove } from './tasks/infeasible.js';
import { FAMILIES } from './tasks/index.js';
import type { FamilyDef } from './tasks/task.js';
import { SpreadsheetSession, type SessionTask } from './session.js';
import { TOOLS } from './tools.js';
import { verifyTask } from './verify.js';
import { benchSession, SPREADSHEETBENCH_FAMILY, spreadsheetBenchFamily, spreadsheetBenchSession } from './spreadsheetbench/family.js';
import { loadTaskSets, type SetTask } from './task-sets/index.js';

export const JOB = 'data-analyst';

/**
 * The spreadsheet env: in-memory workbooks, a formula engine that recalculates after every edit,
 * and generated data-analyst tasks. Workbooks are small and in memory, so one server runs many
 * sessions at once. `options.tasks` names task sets (a SpreadsheetBench folder, a generic JSONL
 * file): each task is a family `spreadsheet/<set>.<task id>` whose workbooks are read at reset.
 */
export class SpreadsheetEnv extends EnvBase<FamilyDef> {
  private readonly setTasks: Map<string, SetTask>;

  constructor(families: readonly FamilyDef[] = FAMILIES, options: EnvCreateOptions = {}) {
    const setTasks = loadTaskSets(options.tasks ?? [], JOB, {
      spreadsheetbench: VERIFIER_VERSIONS.spreadsheetbench ?? '',
      generic: VERIFIER_VERSIONS['spreadsheet-tasks'] ?? '',
    });
    super(
      { name: 'spreadsheet', version: '0.1.0', maxSessions: 8, capabilities: ['expert', 'candidates'] },
      new FamilyCatalogue('spreadsheet', families, {
        job: JOB,
        external: [spreadsheetBenchFamily(JOB, VERIFIER_VERSIONS.spreadsheetbench ?? ''), ...[...setTasks.values()].map((t) => t.family)],
        verifierVersions: VERIFIER_VERSIONS,
      }),
      TOOLS.specs,
    );
    this.setTasks = setTasks;
  }

  protected async open(spec: EpisodeSpec): Promise<Session> {
    if (spec.family === SPREADSHEETBENCH_FAMILY) return spreadsheetBenchSession(spec);
    const setTask = this.setTasks.get(spec.family);
    if (setTask) return benchSession(await setTask.load(), spec, 'answer-copy');
    const def = this.catalogue.get(spec.family);
    const instance = this.instance(spec.family, spec.seed, spec.split);
    const start = buildWorkbook(instance.sheets);
    const changes = [...(instance.writes ?? Object.keys(instance.expected?.(start) ?? {})), ...(instance.scratch ?? [])];
    const declared = changes.map((range) => parseRange(range));
    const mayChange = (sheet: string, row: number, col: number) =>
      declared.some((r) => r.sheet === sheet && row >= r.top && row <= r.bottom && col >= r.left && col <= r.right);
    const task: SessionTask = {
      instruction: instance.instruction,
      focus: instance.focus,
      question: instance.question !== undefined,
      seed: spec.seed,
      strategies: def.strategies,
      // Before its ending, the expert puts back what the episode changed outside the task (a
      // candidate action that bolded a header): the kit's no_collateral fails any such change.
      expert: (view) => {
        const step = instance.expert({ ...view, people: spec.people });
        if (!endsEpisode(step.call.name)) return step;
        return restoreMove(view.wb, start, 'the task asks for no change there', mayChange) ?? step;
      },
      distractors: instance.distractors,
      verify: async (wb, answer) => verifyTask(instance, start, wb, answer, spec),
      changes,
    };
    return new SpreadsheetSession(task, start.clone());
  }
}

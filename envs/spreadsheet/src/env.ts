import { CallRefusedError, Rng, splitSeed, type Environment, type EpisodeSpec, type Session, type TaskFamily, type ToolSpec } from '@workgym/protocol';
import { buildWorkbook } from './tasks/build-workbook.js';
import { FAMILIES } from './tasks/index.js';
import type { FamilyDef, TaskInstance } from './tasks/task.js';
import { SpreadsheetSession, type SessionTask } from './session.js';
import { ALL_TOOLS } from './tools.js';
import { verifyTask } from './verify.js';
import { SPREADSHEETBENCH_FAMILY, spreadsheetBenchFamily, spreadsheetBenchSession } from './spreadsheetbench/family.js';

export const JOB = 'data-analyst';

/**
 * The spreadsheet env: in-memory workbooks, a formula engine that recalculates after every edit,
 * and generated data-analyst tasks. Workbooks are small and in memory, so one server runs many
 * sessions at once.
 */
export class SpreadsheetEnv implements Environment {
  readonly name = 'spreadsheet';
  readonly version = '0.1.0';
  readonly maxSessions = 8;
  readonly capabilities = ['expert', 'candidates'];
  private readonly catalogue: TaskFamily[];

  constructor(private readonly families_: readonly FamilyDef[] = FAMILIES) {
    this.catalogue = [
      ...families_.map((f) => ({
        id: `spreadsheet/${f.name}`,
        job: JOB,
        difficulty: f.difficulty,
        description: f.description,
        splits: ['train', 'test'],
        strategies: [...f.strategies],
        nearMisses: [...f.nearMisses],
      })),
      spreadsheetBenchFamily(JOB),
    ];
  }

  families(): TaskFamily[] {
    return this.catalogue;
  }

  tools(): readonly ToolSpec[] {
    return ALL_TOOLS;
  }

  /** The family definition behind an id. */
  family(id: string): FamilyDef {
    const def = this.families_.find((f) => `spreadsheet/${f.name}` === id);
    if (!def) throw new CallRefusedError('unknown_family', `no generated task family ${JSON.stringify(id)} in spreadsheet`);
    return def;
  }

  /** The task a (family, seed, split) stands for, without opening a session. */
  instance(family: string, seed: number, split = 'train'): TaskInstance {
    return this.family(family).generate(new Rng(splitSeed(split, seed)));
  }

  async reset(spec: EpisodeSpec, _signal?: AbortSignal): Promise<Session> {
    if (spec.family === SPREADSHEETBENCH_FAMILY) return spreadsheetBenchSession(spec);
    const def = this.family(spec.family);
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
      verify: async (wb, answer) => verifyTask(instance, start, wb, answer, splitSeed(spec.split, spec.seed)),
    };
    return new SpreadsheetSession(task, start.clone());
  }
}

import { BrowserHost, openBrowserSession, TOOLS as PAGE_TOOLS, type BrowserHostOptions, type BrowserSession } from '@workgym/env-browser';
import { buildWorkbook, SpreadsheetSession, TOOLS as SHEET_TOOLS } from '@workgym/env-spreadsheet/apps';
import type { EpisodeSpec, Session } from '@workgym/protocol';
import { composeSessions, compositeTools, EnvBase, expertAction, FamilyCatalogue } from '@workgym/protocol/kit';
import { VERIFIER_VERSIONS } from './gen/verifier-versions.js';
import { FAMILIES } from './tasks/index.js';
import type { FamilyDef, WorkdayInstance } from './tasks/task.js';

/**
 * The apps of every workday episode, by the names their observation sections carry. Both envs
 * have a `fill` tool (a form field; the fill handle): the workbook's is left out, since
 * `write_cells` writes whatever it would.
 */
const APPS = { browser: PAGE_TOOLS.specs, sheet: SHEET_TOOLS.specs };
const OMIT = { sheet: ['fill'] };

export interface WorkdayEnvOptions extends BrowserHostOptions {
  /** The families it serves (default: FAMILIES). */
  families?: readonly FamilyDef[];
  /** Sessions one server runs at once (default 8; each holds a BrowserContext of the one Chromium). */
  maxSessions?: number;
}

/**
 * The workday env: episodes that cross applications. One Chromium per server with a fresh
 * BrowserContext and site backends per episode (the browser env's session), beside an in-memory
 * workbook (the spreadsheet env's session), composed by the kit's CompositeSession.
 */
export class WorkdayEnv extends EnvBase<FamilyDef> {
  private readonly host: BrowserHost;

  constructor(options: WorkdayEnvOptions = {}) {
    super(
      { name: 'workday', version: '0.1.0', maxSessions: options.maxSessions ?? 8, capabilities: ['expert', 'candidates'] },
      new FamilyCatalogue('workday', options.families ?? FAMILIES, { verifierVersions: VERIFIER_VERSIONS }),
      compositeTools(APPS, { omit: OMIT }),
    );
    this.host = new BrowserHost(options);
  }

  protected async open(spec: EpisodeSpec, signal: AbortSignal): Promise<Session> {
    const def = this.catalogue.get(spec.family);
    const instance = this.instance(spec.family, spec.seed, spec.split);
    const page = await this.openPage(instance, def, signal);
    const start = buildWorkbook(instance.sheets);
    const wb = start.clone();
    const sheet = new SpreadsheetSession(
      {
        instruction: instance.instruction,
        focus: instance.focus,
        question: false,
        changes: instance.sheetChanges,
        seed: spec.seed,
        // The composite's expert plays the strategies; the workbook's own candidates are its distractors.
        strategies: [],
        expert: () => {
          throw new Error('a workday workbook has no expert of its own: the composite asks the family');
        },
        distractors: instance.distractors,
        verify: () => {
          throw new Error('a workday workbook is not verified alone: the composite asks the family');
        },
      },
      wb,
    );
    const strategies = def.strategies;
    return composeSessions({
      instruction: instance.instruction,
      apps: { browser: page, sheet },
      omit: OMIT,
      verify: async (ending) => instance.verify({ wb, start, ending }),
      expert: async (strategy) => {
        const name = strategy || strategies[spec.seed % strategies.length]!;
        return expertAction(instance.expert({ page: page.expertView(name), sheet: sheet.expertView(name), strategy: name }), 'expert');
      },
    });
  }

  /** The browser side: the family's sites and start page, verified only as part of the composite. */
  private openPage(instance: WorkdayInstance, def: FamilyDef, signal: AbortSignal): Promise<BrowserSession> {
    const page = {
      instruction: instance.instruction,
      sites: instance.sites,
      startUrl: instance.startUrl,
      ...(instance.pageChanges && { expectsChange: instance.pageChanges }),
      verify: () => {
        throw new Error('a workday page is not verified alone: the composite asks the family');
      },
    };
    const names = { strategies: def.strategies, nearMisses: def.nearMisses, conditions: def.conditions ?? [], guesses: def.guesses ?? [] };
    return openBrowserSession(this.host, { instance: page, screenshots: false, ...names }, signal);
  }

  protected override async release(): Promise<void> {
    await this.host.close();
  }
}

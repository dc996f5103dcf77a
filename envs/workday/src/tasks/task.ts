import type { ExpertView as PageView, SiteApp } from '@workgym/env-browser/apps';
import type { ExpertView as SheetView, SheetInit, Workbook } from '@workgym/env-spreadsheet/apps';
import type { CompositeEnding, ExpertStep, FamilyDef as KitFamilyDef, PlannedCall } from '@workgym/protocol/kit';

/** The jobs the workday families train. */
export type Job = 'customer-support' | 'back-office' | 'bookkeeping' | 'office-assistant';

/**
 * What the expert decides from: both apps as the episode has shown them (the browser's current
 * page and every page seen; the workbook and the texts its views showed), and the strategy.
 */
export interface WorkdayView {
  page: PageView;
  sheet: SheetView;
  strategy: string;
}

/** The end of the episode as the verifier gets it: the workbook now, the one it started as, and how the episode ended. */
export interface WorkdayOutcome {
  wb: Workbook;
  start: Workbook;
  ending: CompositeEnding;
}

/** The verdict: success when every component is 1; components exactly those the family declares. */
export interface WorkdayVerdict {
  success: boolean;
  components: Record<string, number>;
  detail: string;
}

/**
 * One generated task across the two apps: the sites (their seeded backends are the browser's
 * state) and the workbook, the instruction, the expert and the verifier. The fact the task needs
 * is in one app and the change it asks for in the other.
 */
export interface WorkdayInstance {
  instruction: string;
  /** The browser's site apps, built fresh from the generated data; keep references: `verify` reads their state. */
  sites: SiteApp[];
  /** The browser's first page. */
  startUrl: string;
  /** The starting workbook and the sheet it shows first. */
  sheets: SheetInit[];
  focus: string;
  /** Calls offered as the workbook's candidate actions that do not help (reads of other ranges). */
  distractors: PlannedCall[];
  /**
   * The workbook ranges the task changes (`Returns!F2:F9`), from the generated task: the workbook
   * session expects exactly their cells (the spreadsheet's `SessionTask.changes`); none where the
   * change is in the browser.
   */
  sheetChanges: readonly string[];
  /**
   * The browser state keys the task changes (`site:desk/tickets/301`), from the generated task,
   * never from the backends at the end (the browser's `TaskInstance.expectsChange`); absent where
   * the change is in the workbook. Every family judges its whole state (`collateral: true`): any
   * other change in either app fails the kit's `no_collateral`.
   */
  pageChanges?(key: string): boolean;
  /** The next call of `view.strategy`, in either app, from what the episode showed. */
  expert(view: WorkdayView): ExpertStep;
  /** The verdict over both apps' final state, against the generated truth. */
  verify(outcome: WorkdayOutcome): WorkdayVerdict;
}

/** A workday family (id `workday/<name>`), listed in FAMILIES (src/tasks/index.ts). */
export type FamilyDef = KitFamilyDef<WorkdayInstance> & { job: Job };

/** A verdict that succeeds when every component is fully met. */
export function verdict(components: Record<string, number>, detail: string): WorkdayVerdict {
  return { success: Object.values(components).every((c) => c === 1), components, detail };
}

import { gitHistoryQuestion } from './git-history-question.js';
import { itLogCause } from './it-log-cause.js';
import { itFixPermissions } from './it-fix-permissions.js';
import { itFixServiceConfig } from './it-fix-service-config.js';
import { itScheduleJob } from './it-schedule-job.js';
import { itDiskCleanup } from './it-disk-cleanup.js';
import { itRotateSecret } from './it-rotate-secret.js';
import { itUserAudit } from './it-user-audit.js';
import { jsFixBug } from './js-fix-bug.js';
import { jsImplementFunction } from './js-implement-function.js';
import { pyAddFeature } from './py-add-feature.js';
import { pyAskConfig } from './py-ask-config.js';
import { pyAskSpec } from './py-ask-spec.js';
import { pyCsvTransform } from './py-csv-transform.js';
import { pyFixBug } from './py-fix-bug.js';
import { pyImplementFunction } from './py-implement-function.js';
import { repoQuestion } from './repo-question.js';
import { shLogReport } from './sh-log-report.js';
import { sqlQuery } from './sql-query.js';
import type { FamilyDef } from './task.js';

/** Every family of the code env, in catalogue order. */
export const FAMILIES: readonly FamilyDef[] = [
  pyImplementFunction,
  jsImplementFunction,
  pyFixBug,
  jsFixBug,
  pyAddFeature,
  shLogReport,
  pyCsvTransform,
  sqlQuery,
  repoQuestion,
  gitHistoryQuestion,
  itLogCause,
  itFixServiceConfig,
  itFixPermissions,
  itScheduleJob,
  itDiskCleanup,
  itRotateSecret,
  itUserAudit,
  pyAskSpec,
  pyAskConfig,
];

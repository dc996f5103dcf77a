import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export const LABEL_RUN = 'workgym.run';
export const LABEL_ENV = 'workgym.env';
export const LABEL_OWNER = 'workgym.owner';

/** Identifies the containers this process starts, so a reaper can tell whose they are. */
export const processRunId = `${process.pid}-${randomUUID().slice(0, 8)}`;

export function ownerLabel(pid = process.pid): string {
  return `${hostname()}:${pid}`;
}

export function containerLabels(env: string, runId = processRunId): Record<string, string> {
  return { [LABEL_RUN]: runId, [LABEL_ENV]: env, [LABEL_OWNER]: ownerLabel() };
}

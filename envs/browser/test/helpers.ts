import { readdirSync, readFileSync } from 'node:fs';
import { connectInProcess } from '@workgym/protocol/testing';
import { BrowserEnv, type BrowserEnvOptions } from '../src/index.js';

/** A browser env served in this process over in-memory streams, with a client. */
export function connectBrowserEnv(options: BrowserEnvOptions = {}) {
  const env = new BrowserEnv(options);
  return { env, ...connectInProcess(env, { client: { deadlineMs: 60_000 } }) };
}

export { toolCall as call } from '@workgym/protocol';

/** Pids of live processes whose command line contains `needle` (Chromium's profile dir). */
export function processesWith(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmdline.includes(needle) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Element id of the first node in an observation text matching role and name. */
export function idOf(text: string, role: string, name: string): number {
  const line = text.split('\n').find((l) => l.trim().match(new RegExp(`^\\[\\d+\\] ${role} ${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
  if (!line) throw new Error(`no ${role} ${JSON.stringify(name)} in:\n${text}`);
  return Number(line.match(/\[(\d+)\]/)![1]);
}

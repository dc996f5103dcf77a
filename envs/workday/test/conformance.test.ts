import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnv, toolCall } from '@workgym/protocol';
import { connectWorkdayEnv } from './helpers.js';

let h: ReturnType<typeof connectWorkdayEnv>;

beforeAll(() => {
  h = connectWorkdayEnv({ maxSessions: 8 });
});

afterAll(async () => {
  await h?.close();
});

/**
 * Two seeds of every family; one seed of each relaxation and guess (`workgym check workday` plays
 * 20 and 50): each costs a browser episode of several steps on a busy 2-core machine.
 */
const SEEDS = [1, 2];
const RELAXATION_SEEDS = [1];
const GUESS_SEEDS = [1];

describe('workday env conformance (in-process, host Chromium)', () => {
  it('lists its families with their jobs, three tiers, two strategies, a near-miss, conditions and guesses each', async () => {
    const { families } = await h.client.listTasks();
    expect(families.length).toBeGreaterThanOrEqual(4);
    for (const f of families) {
      expect(f.id).toMatch(/^workday\//);
      expect(['customer-support', 'back-office', 'bookkeeping', 'office-assistant']).toContain(f.job);
      expect(f.strategies.length, f.id).toBeGreaterThanOrEqual(2);
      expect(f.nearMisses.length, f.id).toBeGreaterThanOrEqual(1);
      expect(f.conditions.length, f.id).toBeGreaterThanOrEqual(1);
      expect(f.guesses.length, f.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('shows both apps in one observation and routes each tool to its app', async () => {
    const reset = await h.client.reset({ family: 'workday/sheet-to-ticket-reply', seed: 3 });
    const text = reset.observation!.text!;
    expect(text).toMatch(/^=== browser ===\nURL: http:\/\/desk\.test\/[\s\S]*\n\n=== sheet ===\nSheets: Orders/);
    const names = reset.tools.map((t) => t.name);
    // The browser's tools and the workbook's, under their own names; the workbook's fill handle is left out.
    expect(names).toEqual(expect.arrayContaining(['click', 'fill', 'goto', 'read_range', 'write_cells', 'submit']));
    expect(names.filter((n) => n === 'fill' || n === 'submit')).toEqual(['fill', 'submit']);
    const read = await h.client.step(reset.session, [toolCall('read_range', { range: 'Orders!A1:B2' })]);
    expect(read.observation!.text).toMatch(/=== browser \(as last shown\) ===[\s\S]*=== sheet \(after your last action\) ===[\s\S]*Orders!A1:B2/);
    await h.client.closeSession(reset.session);
  });

  it('passes checkEnv on every family: every strategy solves it from what both apps showed; near-misses, relaxations, guesses, the collateral case, doing nothing and submitting at once fail', async () => {
    const { families } = await h.client.listTasks();
    const options = { seeds: SEEDS, relaxationSeeds: RELAXATION_SEEDS, guessSeeds: GUESS_SEEDS };
    const reports = await Promise.all(families.map((f) => checkEnv(h.client, { ...options, families: [f.id!] })));
    const results = reports.flatMap((r) => r.results);
    expect(results.filter((r) => r.check === 'relaxation' && !r.skipped).length).toBe(families.length);
    expect(results.filter((r) => r.check === 'guessing floor' && !r.skipped).length).toBe(families.length);
    // Every family judges both apps whole: its expert plus one change in either app it does not expect fails on no_collateral.
    expect(results.filter((r) => r.check === 'collateral' && !r.skipped).length).toBe(families.length * SEEDS.length);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 900_000);
});

import { AdminSite, HelpDeskSite, WebmailSite } from '@workgym/env-browser/apps';
import { buildWorkbook } from '@workgym/env-spreadsheet/apps';
import { Rng } from '@workgym/protocol';
import { FamilyCatalogue } from '@workgym/protocol/kit';
import { describe, expect, it } from 'vitest';
import { WorkdayEnv } from '../src/index.js';
import { FAMILIES } from '../src/tasks/index.js';

const catalogue = new FamilyCatalogue('workday', FAMILIES);
const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1);

/** The size of a task's world, what a tier turns: sheet cells, and the sites' tickets, mails and users. */
function size(instance: ReturnType<typeof catalogue.instance>): number {
  const cells = instance.sheets.reduce((n, s) => n + s.rows.length * (s.rows[0]?.length ?? 0), 0);
  const records = instance.sites.map((s) =>
    s instanceof HelpDeskSite ? s.data.tickets.length : s instanceof WebmailSite ? s.data.messages.length : s instanceof AdminSite ? s.users.length : 0,
  );
  return cells + records.reduce((a, b) => a + b, 0);
}

describe('workday families (no browser)', () => {
  it('offers the browser and workbook tools under their own names, the workbook fill handle left out, submit once, then report_infeasible from the kit', () => {
    const names = new WorkdayEnv().tools().map((t) => t.name);
    expect(names.slice(0, 7)).toEqual(['click', 'fill', 'select', 'press', 'scroll', 'goto', 'back']);
    expect(names).toContain('write_cells');
    expect(names.filter((n) => n === 'fill')).toHaveLength(1);
    expect(names.slice(-2)).toEqual(['submit', 'report_infeasible']);
    expect(names).not.toContain('answer');
  });

  it.each(FAMILIES.map((f) => [f.name, f] as const))('%s: three tiers, each a larger world than the one below', (_, def) => {
    expect(def.tiers).toEqual(['easy', 'medium', 'hard']);
    for (const seed of SEEDS.slice(0, 5)) {
      const [easy, medium, hard] = (['easy', 'medium', 'hard'] as const).map((tier) => size(def.generate(new Rng(seed), 0, tier, { infeasible: false })));
      expect(easy).toBeLessThan(medium!);
      expect(medium).toBeLessThan(hard!);
    }
  });

  it.each(FAMILIES.map((f) => [f.name] as const))('%s: the same seed gives the same task; the untouched apps fail with every progress component 0', (name) => {
    const id = `workday/${name}`;
    const progress = FAMILIES.find((f) => f.name === name)!.components.filter((c) => c.kind === 'progress');
    for (const seed of SEEDS) {
      expect(catalogue.instance(id, seed).instruction).toBe(catalogue.instance(id, seed).instruction);
      const instance = catalogue.instance(id, seed);
      const start = buildWorkbook(instance.sheets);
      const verdict = instance.verify({ wb: start.clone(), start, ending: { answer: undefined, submitted: true } });
      expect(verdict.success, `${id} seed ${seed}`).toBe(false);
      expect(verdict.components[progress[0]!.name], `${id} seed ${seed}: ${verdict.detail}`).toBe(0);
      expect(Object.keys(verdict.components)).toEqual(FAMILIES.find((f) => f.name === name)!.components.map((c) => c.name));
    }
  });
});

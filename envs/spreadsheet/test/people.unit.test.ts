import { afterAll, describe, expect, it } from 'vitest';
import { assertEnvConforms, Rng } from '@workgym/protocol';
import { askApproval, drawDecision, FINANCE_LEAD } from '../src/tasks/ask-approval.js';
import { askTarget, drawTargets, MANAGER } from '../src/tasks/ask-target.js';
import { SpreadsheetEnv } from '../src/index.js';
import { inProcessClient, runExpert } from './helpers.js';

// The two people families (issue 23): the target and the approval only a person of the task
// gives. env.unit.test.ts plays them with every family on seeds 1-2; here they get more seeds.
const FAMILIES = [askTarget, askApproval];
const client = inProcessClient(FAMILIES);
afterAll(() => client.close());
const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('spreadsheet people families', () => {
  it('conform on seeds 1-6: paraphrases, muted, collateral, near-misses, the dropped conditions on 1-20 and the guessing floor on 1-50', async () => {
    const report = await assertEnvConforms(client, {
      seeds: seeds(6),
      relaxationSeeds: seeds(20),
      guessSeeds: seeds(50),
      families: FAMILIES.map((f) => `spreadsheet/${f.name}`),
    });
    for (const check of ['paraphrase', 'muted', 'collateral'])
      expect(
        report.results.filter((r) => r.check === check),
        check,
      ).toHaveLength(12);
    expect(report.results.filter((r) => r.check === 'relaxation' && !r.skipped)).toHaveLength(2);
    for (const r of report.results) if (r.check === 'relaxation' || r.check === 'guessing floor') console.log(`${r.check} ${r.family}: ${r.detail}`);
    const listed = (await client.listTasks()).families.filter((f) => FAMILIES.some((def) => f.id === `spreadsheet/${def.name}`));
    expect(listed).toHaveLength(2);
    for (const f of listed) {
      expect(f.features).toEqual(['people']);
      expect(f.nearMisses.slice(-2)).toEqual(['collateral', 'muted']);
    }
  }, 600_000);

  it('draw a Q3 target no default or round guess hits, with the manager slipping to the Q2 figure on some seeds', () => {
    const env = new SpreadsheetEnv(FAMILIES);
    let slips = 0;
    for (const seed of seeds(60)) {
      const { q1, q2, q3 } = drawTargets(new Rng(seed));
      expect(new Set([q1, q2, q3, 50_000, 60_000]).size).toBe(5);
      const [manager] = env.catalogue.people('spreadsheet/ask-target', seed);
      const fact = manager!.facts[0]!;
      const instance = env.catalogue.instance('spreadsheet/ask-target', seed);
      expect(instance.instruction).not.toContain(fact.value);
      expect(JSON.stringify(instance.sheets)).not.toContain(fact.value.replace(/,/g, ''));
      if (fact.slip !== undefined) {
        slips += 1;
        expect(fact.slip).toContain(Number(instance.sheets[1]!.rows[2]![1]).toLocaleString('en-US'));
      }
    }
    expect(slips).toBeGreaterThan(10);
    expect(slips).toBeLessThan(35);
  });

  it('grant the write-off on some seeds and refuse it on others, each with a detail of its own, and keep one row at exactly 90 days', () => {
    const env = new SpreadsheetEnv(FAMILIES);
    const granted = seeds(60).filter((seed) => env.catalogue.people('spreadsheet/ask-approval', seed)[0]!.facts[0]!.approval);
    expect(granted.length).toBeGreaterThan(15);
    expect(granted.length).toBeLessThan(45);
    for (const seed of seeds(60)) {
      const decision = drawDecision(new Rng(seed));
      const detail = decision.approved ? decision.reference : decision.reviewOn;
      expect(detail).toMatch(decision.approved ? /^WO-\d{4}$/ : /^2027-0[1-6]-\d\d$/);
      if (decision.slip !== undefined) expect(decision.slip).not.toBe(detail);
      const instance = env.catalogue.instance('spreadsheet/ask-approval', seed);
      const days = instance.sheets[0]!.rows.slice(1).map((row) => row[3] as number);
      expect(days.filter((d) => d === 90)).toHaveLength(1);
      expect(days.filter((d) => d > 90).length).toBeGreaterThanOrEqual(2);
      expect(instance.instruction).not.toContain(env.catalogue.people('spreadsheet/ask-approval', seed)[0]!.facts[0]!.value);
    }
  });

  it('answer the asked fact with the corrected value after a slip, and the expert writes what was heard', async () => {
    const env = new SpreadsheetEnv(FAMILIES);
    const seed = seeds(30).find((s) => env.catalogue.people('spreadsheet/ask-target', s)[0]!.facts[0]!.slip !== undefined)!;
    const fact = env.catalogue.people('spreadsheet/ask-target', seed)[0]!.facts[0]!;
    const reset = await client.reset({ family: 'spreadsheet/ask-target', seed });
    expect(reset.tools.map((t) => t.name)).toContain('message');
    const asked = await client.step(reset.session, [
      { id: 'm', name: 'message', argumentsJson: JSON.stringify({ to: MANAGER.id, text: 'Hi Jordan, what is the Q3 target for each rep?' }) },
    ]);
    expect(asked.results[0]!.people.map((t) => t.text)).toEqual([fact.slip, `Sorry, my mistake! ${fact.answer}`]);
    const last = await runExpert(client, reset.session);
    expect(last.verdict?.success).toBe(true);
  });

  it('fails the approval task when the Action quotes the slipped reference or date instead of the corrected one', async () => {
    const env = new SpreadsheetEnv(FAMILIES);
    const seed = seeds(40).find((s) => env.catalogue.people('spreadsheet/ask-approval', s)[0]!.facts[0]!.slip !== undefined)!;
    const instance = env.catalogue.instance('spreadsheet/ask-approval', seed);
    const fact = env.catalogue.people('spreadsheet/ask-approval', seed)[0]!.facts[0]!;
    const slipped = /(WO-\d{4}|2027-\d\d-\d\d)/.exec(fact.slip!)![1]!;
    const word = fact.approval ? 'Write off' : 'Pending approval';
    const rows = instance.sheets[0]!.rows.slice(1);
    const reset = await client.reset({ family: 'spreadsheet/ask-approval', seed });
    const asked = await client.step(reset.session, [
      { id: 'm', name: 'message', argumentsJson: JSON.stringify({ to: FINANCE_LEAD.id, text: 'Do you approve the write-offs?' }) },
    ]);
    expect(asked.results[0]!.people).toHaveLength(2);
    await client.step(reset.session, [
      {
        id: 'w',
        name: 'write_cells',
        argumentsJson: JSON.stringify({
          range: `Invoices!E2:E${rows.length + 1}`,
          values: rows.map((r) => [(r[3] as number) > 90 ? `${word} ${slipped}` : null]),
        }),
      },
    ]);
    const end = await client.step(reset.session, [{ id: 's', name: 'submit', argumentsJson: '{}' }]);
    expect(end.verdict?.success).toBe(false);
    expect(end.verdict?.components?.values).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { assertEnvConforms, checkEnv, type EpisodeSpec, type Session } from '../src/index.js';
import { connectInProcess } from './helpers.js';
import { askForCode, findCode, findCodeOrReport, NotesEnv } from './notes-env.js';

describe('the worked example of docs/adding-a-family.md', () => {
  it('passes the conformance suite: every strategy solves it from what was shown, saying why; the near-miss fails', async () => {
    const { client } = connectInProcess(new NotesEnv());
    const report = await assertEnvConforms(client, { seeds: [1, 2, 3] });
    const checks = report.results.map((r) => r.check);
    expect(checks).toContain('near-miss first-note does not succeed');
    expect(checks).toContain('collateral');
    expect(checks).toContain('expert strategy by-title solves the task'); // seed 1 plays scan, its default
    await client.close();
  });

  it("records each task's tier as its difficulty: the reset names it, and the tier sets how many notes there are to look through", async () => {
    const env = new NotesEnv();
    const { client } = connectInProcess(env);
    const notesByTier: Record<string, number> = {};
    for (let seed = 0; seed < 30; seed++) {
      const reset = await client.reset({ family: 'notes/find-code', seed });
      notesByTier[reset.task!.difficulty] = env.instance('notes/find-code', seed).notes.length;
      await client.closeSession(reset.session);
    }
    expect(notesByTier).toEqual({ easy: 4, medium: 5, hard: 6 });
    const listed = (await client.listTasks()).families.find((f) => f.id === 'notes/find-code');
    expect(listed?.tiers).toEqual(['easy', 'medium', 'hard']);
    await client.close();
  });

  it('fails the suite when a near-miss it names succeeds', async () => {
    const { client } = connectInProcess(new NotesEnv([{ ...findCode, nearMisses: ['by-title'] }]));
    const report = await checkEnv(client, { seeds: [1] });
    expect(report.results.filter((r) => !r.ok).map((r) => r.check)).toEqual(['near-miss by-title does not succeed']);
    await client.close();
  });

  it('names the family, the seed, what happened and what to change when it fails', async () => {
    const { client } = connectInProcess(new NotesEnv([{ ...findCode, nearMisses: ['by-title'] }]));
    const failure = await assertEnvConforms(client, { seeds: [2] }).catch((error: Error) => error.message);
    expect(failure).toMatch(
      /^notes fails 1 conformance check\(s\):\n- near-miss by-title does not succeed \[notes\/find-code seed 2\]: the near-miss got reward 1 /,
    );
    expect(failure).toContain("judge against the task's generated truth, not state the agent could edit");
    await client.close();
  });
});

describe('a family with infeasible seeds (the kit judges report_infeasible)', () => {
  it('passes the infeasible case: reporting at once wins exactly on a quarter of the seeds, the expert reports there from what the list showed', async () => {
    const { client } = connectInProcess(new NotesEnv([findCodeOrReport]));
    const report = await assertEnvConforms(client, { seeds: [1, 2], infeasibleSeeds: range(0, 39) });
    const infeasible = report.results.find((r) => r.check === 'infeasible')!;
    expect(infeasible.detail).toMatch(/^infeasible seeds (\d+, ){9}\d+ of 40:/); // one seed in every four
    const onInfeasible = report.results.filter((r) => r.check.startsWith('infeasible seed:')).map((r) => r.check);
    expect(onInfeasible).toContain('infeasible seed: expert solves the task');
    expect(onInfeasible).toContain('infeasible seed: near-miss star-and-report does not succeed');
    const listed = (await client.listTasks()).families[0]!;
    expect(listed.features).toEqual(['infeasible']);
    expect(listed.components.map((c) => `${c.name}:${c.kind}`)).toEqual(['answer:0', 'no_collateral:1', 'feasibility:1']);
    expect(listed.nearMisses).toEqual(['first-note', 'star-and-report', 'collateral']);
    await client.close();
  });

  it('pays a report only on an infeasible seed with nothing changed, and fails an infeasible seed answered instead', async () => {
    const env = new NotesEnv([findCodeOrReport]);
    const { client } = connectInProcess(env);
    const infeasible = range(0, 11).filter((seed) => env.catalogue.infeasible('notes/find-code-or-report', seed));
    expect(infeasible).toHaveLength(3);
    const feasible = range(0, 11).find((seed) => !infeasible.includes(seed))!;
    const play = async (seed: number, calls: [string, Record<string, unknown>][]) => {
      const reset = await client.reset({ family: 'notes/find-code-or-report', seed, reward: 'shaped' });
      expect(reset.tools.map((t) => t.name)).toEqual(['open_note', 'star_note', 'answer', 'report_infeasible']);
      let reply;
      for (const [i, [name, args]] of calls.entries()) reply = await client.step(reset.session, [{ id: `c${i}`, name, argumentsJson: JSON.stringify(args) }]);
      await client.closeSession(reset.session);
      return reply!.verdict!;
    };
    const report: [string, Record<string, unknown>] = ['report_infeasible', { reason: 'no such note' }];
    expect(await play(infeasible[0]!, [report])).toMatchObject({
      success: true,
      infeasible: true,
      components: { answer: 1, no_collateral: 1, feasibility: 1 },
    });
    const starred = await play(infeasible[0]!, [['star_note', { number: 2 }], report]);
    expect(starred).toMatchObject({ success: false, shapedReward: 0, infeasible: true });
    expect(starred.detail).toContain('but changed 1 thing (note:2 changed) first');
    const answered = await play(infeasible[1]!, [['answer', { text: 'ABC123' }]]);
    expect(answered).toMatchObject({ success: false, infeasible: true, components: { feasibility: 0 } });
    expect(await play(feasible, [report])).toMatchObject({ success: false, reward: 0, shapedReward: 0, infeasible: false });
    await client.close();
  });

  it('fails the infeasible case when the expert does the nearest thing instead of reporting', async () => {
    const actAnyway: typeof findCodeOrReport = { ...findCodeOrReport, strategies: ['first-note'], nearMisses: [] };
    const { client } = connectInProcess(new NotesEnv([actAnyway]));
    const report = await checkEnv(client, { seeds: [], infeasibleSeeds: range(0, 7) });
    const failed = report.results.filter((r) => !r.ok);
    expect(failed.map((r) => r.check)).toEqual(['infeasible seed: expert solves the task', 'infeasible seed: expert solves the task']);
    expect(failed[0]!.message).toContain('only report_infeasible succeeds on it');
    await client.close();
  });
});

describe('whole-state checks (the kit judges every change against the ones the task expects)', () => {
  it('fails an answer that is right when a note was starred on the way: no_collateral 0', async () => {
    const env = new NotesEnv();
    const { client } = connectInProcess(env);
    const seed = 5;
    const code = env.instance('notes/find-code', seed).notes[env.instance('notes/find-code', seed).target]!.code;
    const reset = await client.reset({ family: 'notes/find-code', seed, reward: 'shaped' });
    await client.step(reset.session, [{ id: 's', name: 'star_note', argumentsJson: '{"number":1}' }]);
    const end = await client.step(reset.session, [{ id: 'a', name: 'answer', argumentsJson: JSON.stringify({ text: code }) }]);
    expect(end.verdict).toMatchObject({ success: false, shapedReward: 0, components: { answer: 1, no_collateral: 0 } });
    expect(end.verdict!.detail).toContain('changed what the task did not ask for: 1 thing (note:1 changed)');
    await client.close();
  });

  it('fails the collateral case when the state leaves out what an agent can change', async () => {
    class StarBlindEnv extends NotesEnv {
      protected override async open(spec: EpisodeSpec): Promise<Session> {
        return Object.assign(await super.open(spec), { state: async () => ({ 'note:1': '' }) });
      }
    }
    const { client } = connectInProcess(new StarBlindEnv());
    const report = await checkEnv(client, { seeds: [1], relaxationSeeds: [], guessSeeds: [] });
    const failed = report.results.filter((r) => !r.ok);
    expect(failed.map((r) => r.check)).toEqual(['collateral']);
    expect(failed[0]!.message).toContain('one change the task does not expect was not caught');
    await client.close();
  });
});

describe('a family with people (the kit offers message and judges what only a person says)', () => {
  it('passes the paraphrase and muted cases: every wording gets the same answer, and muted the expert fails', async () => {
    const { client } = connectInProcess(new NotesEnv([askForCode]));
    const report = await assertEnvConforms(client, { seeds: [1, 2, 3] });
    const paraphrase = report.results.filter((r) => r.check === 'paraphrase');
    expect(paraphrase).toHaveLength(3);
    expect(paraphrase[0]!.detail).toBe('3 paraphrases got the same answers; 1 person(s) answered 5 generic messages with nothing private');
    expect(report.results.filter((r) => r.check === 'muted')).toHaveLength(3);
    const listed = (await client.listTasks()).families[0]!;
    expect(listed.features).toEqual(['people']);
    expect(listed.nearMisses).toEqual(['first-note', 'collateral', 'muted']);
    await client.close();
  });

  it("records every person's turn with the call that caused it, a correction as a turn of its own", async () => {
    const env = new NotesEnv([askForCode]);
    const { client } = connectInProcess(env);
    const seed = range(0, 20).find((s) => env.catalogue.people('notes/ask-for-code', s)[0]!.facts[0]!.slip !== undefined)!;
    const title = env.catalogue.people('notes/ask-for-code', seed)[0]!.facts[0]!.value;
    const reset = await client.reset({ family: 'notes/ask-for-code', seed });
    expect(reset.tools.map((t) => t.name)).toEqual(['open_note', 'star_note', 'answer', 'message', 'report_infeasible']);
    const ask = await client.step(reset.session, [
      { id: 'm', name: 'message', argumentsJson: JSON.stringify({ to: 'sam.lee', text: 'Hi Sam, what is the title of the note?' }) },
    ]);
    expect(ask.results[0]!.people.map((t) => [t.who, t.channel])).toEqual([
      ['sam.lee', 'message'],
      ['sam.lee', 'message'],
    ]);
    expect(ask.results[0]!.people[1]!.text).toBe(`Sorry, my mistake! The one you need is titled "${title}".`);
    expect(ask.results[0]!.text).toBe(ask.results[0]!.people.map((t) => `Sam Lee (office manager): ${t.text}`).join('\n'));
    const vague = await client.step(reset.session, [{ id: 'v', name: 'message', argumentsJson: JSON.stringify({ to: 'sam.lee', text: 'Anything else?' }) }]);
    expect(vague.results[0]!.people.map((t) => t.text)).toEqual(['Sorry, no idea about that.']);
    const nobody = await client.step(reset.session, [{ id: 'n', name: 'message', argumentsJson: JSON.stringify({ to: 'alex', text: 'Which note?' }) }]);
    expect(nobody.results[0]!.error).toMatchObject({
      kind: 'invalid_arguments',
      message: 'no one called "alex" can be messaged here (you can message: sam.lee)',
    });
    const open = await client.step(reset.session, [{ id: 'o', name: 'open_note', argumentsJson: '{"number":1}' }]);
    expect(open.results[0]!.people).toEqual([]);
    await client.close();
  });

  it('fails the muted case when the instruction alone is enough to solve the task', async () => {
    // An expert that knows the note without asking: what a family whose instruction gives it away would have.
    const solvesAlone: typeof askForCode = {
      ...askForCode,
      generate(rng, task, tier, variant) {
        const asked = askForCode.generate(rng, task, tier, variant);
        const target = asked.target;
        return {
          ...asked,
          expert: ({ opened }) =>
            opened.has(target)
              ? { call: { name: 'answer', arguments: { text: asked.notes[target]!.code } }, text: 'The note the instruction names shows the code.' }
              : { call: { name: 'open_note', arguments: { number: target + 1 } }, text: 'Open the note the instruction names.' },
        };
      },
    };
    const { client } = connectInProcess(new NotesEnv([solvesAlone]));
    const report = await checkEnv(client, { seeds: [1], relaxationSeeds: [], guessSeeds: [] });
    const failed = report.results.filter((r) => !r.ok).map((r) => r.check);
    expect(failed).toContain('muted');
    await client.close();
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

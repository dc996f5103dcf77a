import type { EnvClient } from './client.js';
import { REPORT_INFEASIBLE } from './ending-tools.js';
import { RemoteError } from './errors.js';
import { COLLATERAL, NO_COLLATERAL } from './kit/judged-session.js';
import { GENERIC_PROBES, MESSAGE, MUTED, PARAPHRASE_STRATEGIES } from './kit/people.js';
import { clip, ShownText, ungroundedValues } from './grounding.js';
import { guessStrategy, relaxStrategy } from './reward.js';
import type { Decoded, DecodedTaskFamily, ResetReply, StepReply, Verdict } from './messages.js';
import { checkToolSchema } from './tool-validator.js';

export interface CheckEnvOptions {
  /** Families to check (default: all the server lists). */
  families?: string[];
  /** Seeds each check runs on (default [1, 2]). */
  seeds?: number[];
  /** Step budget for the expert (default 100). */
  maxSteps?: number;
  /**
   * Families that may have no expert (tasks of a task set an outside suite brings, such as
   * MiniWoB++ pages no expert is written for): when the env answers `unsupported` to the expert,
   * their expert checks are skipped, saying so, instead of failed. Every other family needs one.
   */
  expertOptional?: readonly string[];
  /** Seeds the relaxation case plays each condition on (default 1..20; none: the case is skipped, saying so). */
  relaxationSeeds?: number[];
  /** Seeds the guessing-floor case plays each guess on (default 1..50; none: the case is skipped, saying so). */
  guessSeeds?: number[];
  /**
   * Seeds the infeasible case reports at once on, for a family listing `infeasible` (default
   * 1..20; none: the case is skipped, saying so); the first two infeasible ones are played in full.
   */
  infeasibleSeeds?: number[];
}

/** The share of a family's seeds that are infeasible, where it lists the feature (INFEASIBLE TASKS in workgym.proto). */
export const INFEASIBLE_SHARE = { min: 0.2, max: 0.3 };

/** The share of seeds a constant attempt may succeed on (the guessing floor). */
export const GUESSING_FLOOR = 0.05;

export interface CheckResult {
  check: string;
  family?: string;
  seed?: number;
  ok: boolean;
  message?: string;
  /** Why the check did not run (it counts as ok). */
  skipped?: string;
  /** What a passing check measured (relaxation, guessing floor). */
  detail?: string;
}

export interface ConformanceReport {
  env: string;
  ok: boolean;
  results: CheckResult[];
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The conformance suite every env passes (Gymnasium's env_checker plays this part there). It
 * drives the env through the protocol, so it checks the server wrapper and the runtime too.
 */
export async function checkEnv(client: EnvClient, options: CheckEnvOptions = {}): Promise<ConformanceReport> {
  const hello = await client.hello();
  const catalogue = await client.listTasks();
  const listed = catalogue.families;
  const families = options.families ? listed.filter((f) => options.families!.includes(f.id)) : listed;
  const results: CheckResult[] = [];
  const record = async (check: string, where: { family?: string; seed?: number }, body: () => Promise<void | string>) => {
    try {
      const detail = await body();
      results.push({ check, ...where, ok: true, ...(detail ? { detail } : {}) });
    } catch (error) {
      results.push({ check, ...where, ok: false, message: (error as Error).message });
    }
  };
  await record('catalogue', {}, async () => checkCatalogue(hello.name, listed));
  const declared = new Set(catalogue.tools.map((t) => t.name));
  const maxSteps = options.maxSteps ?? 100;
  for (const family of families) {
    const seeds = options.seeds ?? [1, 2];
    // Near-misses and strategies are played by the expert too: a family without one skips them all.
    let noExpert = false;
    const skip = (check: string, where: { family: string; seed?: number }) => results.push({ check, ...where, ok: true, skipped: 'the family has no expert' });
    for (const seed of seeds) {
      const where = { family: family.id, seed };
      const ctx = { client, family: family.id, seed, declared, components: componentNames(family), tiers: family.tiers };
      await record('deterministic reset', where, () => checkDeterministicReset(ctx));
      await record('tool schemas', where, () => checkToolSchemas(ctx));
      await record('invalid calls give error observations', where, () => checkInvalidCalls(ctx));
      const demo = await expertEpisode(ctx, maxSteps, '');
      const expertChecks = ['expert solves the task', 'expert acts only on what it was shown', 'expert says why'];
      noExpert = demo.noExpert === true && options.expertOptional?.includes(family.id) === true;
      if (noExpert) {
        for (const check of expertChecks) skip(check, where);
      } else {
        await record(expertChecks[0]!, where, async () => checkSolved(demo));
        await record(expertChecks[1]!, where, async () => checkGrounded(demo));
        await record(expertChecks[2]!, where, async () => checkRationale(demo));
      }
      for (const nearMiss of family.nearMisses) {
        const check = nearMissCheck(nearMiss);
        if (noExpert) skip(check, where);
        else await record(check, where, () => checkNearMiss(ctx, maxSteps, nearMiss));
      }
      await record('doing nothing fails', where, () => checkDoingNothing(ctx));
      await record('submitting at once fails', where, () => checkSubmitAtOnce(ctx));
      await record('reporting infeasible at once fails', where, () => checkReportAtOnce(ctx));
      if (family.features.includes('people')) {
        if (noExpert) skip('paraphrase', where);
        else await record('paraphrase', where, () => checkParaphrases(ctx, maxSteps));
      }
    }
    // The seed picks the default strategy; every other one is checked on the first seed.
    for (const strategy of seeds.length > 0 ? family.strategies : []) {
      const seed = seeds[0]!;
      if (family.strategies[seed % family.strategies.length] === strategy) continue;
      if (noExpert) {
        skip(`expert strategy ${strategy} solves the task`, { family: family.id, seed });
        continue;
      }
      const demo = await expertEpisode({ client, family: family.id, seed, declared, components: componentNames(family) }, maxSteps, strategy);
      await record(`expert strategy ${strategy} solves the task`, { family: family.id, seed }, async () => {
        checkSolved(demo);
        checkGrounded(demo);
        checkRationale(demo);
      });
    }
    const base = { client, family: family.id, seed: 0, declared, components: componentNames(family) };
    const lanes = Math.max(1, Math.min(4, hello.maxSessions || 1));
    const relaxationSeeds = options.relaxationSeeds ?? range(1, 20);
    const guessSeeds = options.guessSeeds ?? range(1, 50);
    if (noExpert) skip('relaxation', { family: family.id });
    else if (relaxationSeeds.length === 0) results.push({ check: 'relaxation', family: family.id, ok: true, skipped: 'no relaxation seeds were asked for' });
    else if (family.conditions.length === 0) results.push({ check: 'relaxation', family: family.id, ok: true, skipped: 'the family declares no conditions' });
    else await record('relaxation', { family: family.id }, () => checkRelaxation(base, family.conditions, relaxationSeeds, maxSteps, lanes));
    if (noExpert) skip('guessing floor', { family: family.id });
    else if (guessSeeds.length === 0) results.push({ check: 'guessing floor', family: family.id, ok: true, skipped: 'no guess seeds were asked for' });
    else if (family.guesses.length === 0) results.push({ check: 'guessing floor', family: family.id, ok: true, skipped: 'the family declares no guesses' });
    else await record('guessing floor', { family: family.id }, () => checkGuessingFloor(base, family.guesses, guessSeeds, maxSteps, lanes));
    if (family.features.includes('infeasible')) {
      const probe = options.infeasibleSeeds ?? range(1, 20);
      if (probe.length === 0) results.push({ check: 'infeasible', family: family.id, ok: true, skipped: 'no infeasible seeds were asked for' });
      else results.push(...(await checkInfeasible(base, family, probe, maxSteps, lanes, noExpert)));
    }
  }
  return { env: hello.name, ok: results.every((r) => r.ok), results };
}

/** Runs checkEnv and throws one error listing every failed check. */
export async function assertEnvConforms(client: EnvClient, options?: CheckEnvOptions): Promise<ConformanceReport> {
  const report = await checkEnv(client, options);
  const failed = report.results.filter((r) => !r.ok);
  if (failed.length > 0) {
    const lines = failed.map((r) => `- ${r.check}${r.family ? ` [${r.family} seed ${r.seed}]` : ''}: ${r.message}`);
    throw new Error(`${report.env} fails ${failed.length} conformance check(s):\n${lines.join('\n')}`);
  }
  return report;
}

interface Ctx {
  client: EnvClient;
  family: string;
  seed: number;
  /** Tools the env lists in its catalogue. */
  declared: Set<string>;
  /** The family's declared verdict components (empty: it declares none). */
  components: string[];
  /** The family's tiers (empty: every task is of the family's difficulty). */
  tiers?: string[];
}

function componentNames(family: DecodedTaskFamily): string[] {
  return family.components.map((c) => c.name);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Runs `body` on every seed, at most `lanes` at once, and returns the results in seed order. */
async function eachSeed<T>(seeds: readonly number[], lanes: number, body: (seed: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(seeds.length);
  let next = 0;
  const lane = async () => {
    while (next < seeds.length) {
      const i = next++;
      out[i] = await body(seeds[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, seeds.length) }, lane));
  return out;
}

/**
 * Each condition the task states matters on every seed: the expert with one condition dropped
 * (`relax:<condition>`) fails, and its shaped reward is 0 (partial credit for the wrong rows, the
 * wrong product or the wrong count would pay a policy for skipping the condition).
 */
async function checkRelaxation(ctx: Ctx, conditions: readonly string[], seeds: readonly number[], maxSteps: number, lanes: number): Promise<string> {
  const paid: string[] = [];
  for (const condition of conditions) {
    const strategy = relaxStrategy(condition);
    const verdicts = await eachSeed(seeds, lanes, (seed) => playStrategy({ ...ctx, seed }, maxSteps, strategy));
    verdicts.forEach((v, i) => {
      if (v.success || v.shapedReward > 0)
        paid.push(`${condition} dropped, seed ${seeds[i]}: success ${v.success}, shaped reward ${v.shapedReward} (${v.detail})`);
    });
  }
  expect(
    paid.length === 0,
    `an attempt with a condition dropped was paid (draw again in generate where dropping it leaves the outcome unchanged, and credit only what needs the condition):\n  ${paid.join('\n  ')}`,
  );
  return `${conditions.join(', ')} each dropped on ${seeds.length} seeds: no success, shaped reward 0`;
}

/** No constant attempt succeeds on more than GUESSING_FLOOR of the seeds. */
async function checkGuessingFloor(ctx: Ctx, guesses: readonly string[], seeds: readonly number[], maxSteps: number, lanes: number): Promise<string> {
  const rates: string[] = [];
  const over: string[] = [];
  for (const guess of guesses) {
    const verdicts = await eachSeed(seeds, lanes, (seed) => playStrategy({ ...ctx, seed }, maxSteps, guessStrategy(guess)));
    const won = seeds.filter((_, i) => verdicts[i]!.success);
    rates.push(`${guess} ${won.length}/${seeds.length}`);
    if (won.length > GUESSING_FLOOR * seeds.length) over.push(`${guess} succeeds on ${won.length} of ${seeds.length} seeds (${won.join(', ')})`);
  }
  expect(
    over.length === 0,
    `a constant attempt succeeds on more than ${GUESSING_FLOOR * 100}% of seeds (spread the task's answers and choices so no fixed answer or position is right that often):\n  ${over.join('\n  ')}`,
  );
  return `succeeded: ${rates.join(', ')}`;
}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function checkCatalogue(envName: string, families: DecodedTaskFamily[]): void {
  expect(families.length > 0, 'the env lists no task families');
  const ids = new Set<string>();
  for (const f of families) {
    expect(f.id.startsWith(`${envName}/`), `family id ${f.id} should start with "${envName}/"`);
    expect(!ids.has(f.id), `family id ${f.id} is listed twice`);
    ids.add(f.id);
    expect(f.job.length > 0, `${f.id} has no job`);
    expect(['easy', 'medium', 'hard'].includes(f.difficulty), `${f.id} difficulty must be easy|medium|hard, not ${JSON.stringify(f.difficulty)}`);
    const badTiers = f.tiers.filter((t) => !['easy', 'medium', 'hard'].includes(t));
    expect(badTiers.length === 0, `${f.id} tiers must be easy|medium|hard, not ${JSON.stringify(badTiers)}`);
  }
}

async function withSession<T>(ctx: Ctx, maxSteps: number, body: (reset: ResetReply) => Promise<T>): Promise<T> {
  // Shaped reward, so that "scores 0" means no partial credit either.
  const reset = await ctx.client.reset({ family: ctx.family, seed: ctx.seed, maxSteps, reward: 'shaped' });
  try {
    return await body(reset);
  } finally {
    await ctx.client.closeSession(reset.session);
  }
}

async function checkDeterministicReset(ctx: Ctx): Promise<void> {
  const view = (r: ResetReply) => JSON.stringify({ task: r.task, observation: r.observation, tools: r.tools });
  const first = await withSession(ctx, 0, async (r) => view(r));
  const second = await withSession(ctx, 0, async (r) => view(r));
  expect(first === second, 'two resets with the same seed gave different tasks or first observations');
  const tier = (JSON.parse(first) as { task?: { difficulty?: string } }).task?.difficulty ?? '';
  const tiers = ctx.tiers ?? [];
  expect(tiers.length === 0 || tiers.includes(tier), `the task's difficulty ${JSON.stringify(tier)} is none of the family's tiers (${tiers.join(', ')})`);
}

async function checkToolSchemas(ctx: Ctx): Promise<void> {
  await withSession(ctx, 0, async (reset) => {
    expect(reset.tools.length > 0, 'the session offers no tools');
    for (const tool of reset.tools) {
      expect(TOOL_NAME.test(tool.name), `tool name ${JSON.stringify(tool.name)} must match ${TOOL_NAME}`);
      expect(tool.description.length > 0, `tool ${tool.name} has no description`);
      expect(ctx.declared.has(tool.name), `tool ${tool.name} is offered but not listed by ListTasks`);
      try {
        checkToolSchema(tool);
      } catch (error) {
        throw new Error(`tool ${tool.name} has an invalid JSON Schema: ${(error as Error).message}`);
      }
    }
  });
}

async function checkInvalidCalls(ctx: Ctx): Promise<void> {
  await withSession(ctx, 0, async (reset) => {
    const tool = reset.tools[0]!.name;
    const cases = [
      { call: { id: 'c1', name: 'no_such_tool_xyz', argumentsJson: '{}' }, kind: 'unknown_tool' },
      { call: { id: 'c2', name: tool, argumentsJson: '{not json' }, kind: 'invalid_arguments' },
      { call: { id: 'c3', name: tool, argumentsJson: '[1,2]' }, kind: 'invalid_arguments' },
    ];
    let index = 0;
    for (const { call, kind } of cases) {
      const reply = await ctx.client.step(reset.session, [call]);
      index += 1;
      const error = reply.results[0]?.error;
      expect(error?.kind === kind, `${call.name}(${call.argumentsJson}) should give ${kind}, gave ${error?.kind ?? 'no error'}`);
      expect(!reply.terminated && !reply.truncated, `an invalid call ended the episode (${kind})`);
      expect(reply.stepIndex === index, `an invalid call must count as a step (step_index ${reply.stepIndex}, expected ${index})`);
      expect((reply.observation?.text ?? '').length > 0, `the error observation for ${kind} has no text`);
    }
  });
}

/** Checks the end-of-episode contract (and that the verdict names the declared components) and returns the verdict. */
function checkEnded(reply: StepReply, what: string, components: readonly string[]): Decoded<Verdict> {
  expect(reply.terminated || reply.truncated, `${what}: the episode did not end`);
  expect(!(reply.terminated && reply.truncated), `${what}: terminated and truncated are both set`);
  const verdict = reply.verdict;
  expect(verdict !== null, `${what}: an ended episode must carry a verdict`);
  expect(verdict.reward >= 0 && verdict.reward <= 1, `${what}: reward ${verdict.reward} is outside 0..1`);
  expect(reply.reward === verdict.reward, `${what}: the final step reward must equal the verdict's`);
  expect(verdict.reward === verdict.shapedReward, `${what}: a shaped-reward episode paid ${verdict.reward}, not its shaped reward ${verdict.shapedReward}`);
  const named = Object.keys(verdict.components ?? {}).sort();
  expect(
    components.length === 0 || JSON.stringify(named) === JSON.stringify([...components].sort()),
    `${what}: the verdict names components ${named.join(', ')}, the family declares ${components.join(', ')}`,
  );
  return verdict;
}

/** What one expert episode did, for the checks that judge it. */
interface ExpertEpisode {
  /** Why the episode could not be played to its end, if it could not. */
  failure?: string;
  verdict?: Decoded<Verdict>;
  /** "step N: <where> <value> <reason>" for each value that nothing shown accounts for. */
  ungrounded: string[];
  /** Steps whose expert action came with no text saying why. */
  silentSteps: number[];
  /** The env answered `unsupported`: the family has no expert. */
  noExpert?: boolean;
  /** What the task's people said, in order: "who (channel): text". */
  turns: { who: string; channel: string; text: string }[];
}

/** Plays one episode with the expert's `strategy`, tracking what the episode has shown. */
async function expertEpisode(ctx: Ctx, maxSteps: number, strategy: string): Promise<ExpertEpisode> {
  const played: ExpertEpisode = { ungrounded: [], silentSteps: [], turns: [] };
  try {
    await withSession(ctx, maxSteps, async (reset) => {
      const shown = new ShownText();
      shown.add(reset.task?.instruction ?? '');
      for (const tool of reset.tools) shown.add(`${tool.name} ${tool.description} ${tool.parametersJson}`);
      shown.add(reset.observation?.text ?? '');
      let reply: StepReply | undefined;
      for (let step = 1; step <= maxSteps && !(reply?.terminated || reply?.truncated); step++) {
        const action = await ctx.client.expert(reset.session, { strategy });
        expect(action.calls.length > 0, 'the expert returned no tool call');
        if (action.text.trim() === '') played.silentSteps.push(step);
        for (const value of ungroundedValues(action.calls, action.derived, shown)) {
          played.ungrounded.push(`step ${step}: ${value.where} ${JSON.stringify(clip(value.value))} ${value.reason}`);
        }
        reply = await ctx.client.step(reset.session, action.calls);
        const failed = reply.results.find((r) => r.error);
        expect(!failed, `the expert made an invalid call at step ${step}: ${failed?.text}`);
        for (const result of reply.results) shown.add(result.text);
        played.turns.push(...reply.results.flatMap((r) => r.people));
        shown.add(reply.observation?.text ?? '');
      }
      expect(reply !== undefined, 'the expert took no step');
      expect(reply.terminated, `the expert did not finish within ${maxSteps} steps`);
      played.verdict = checkEnded(reply, 'expert', ctx.components);
      await expectEpisodeOver(ctx, reset.session);
    });
  } catch (error) {
    played.failure = (error as Error).message;
    played.noExpert = error instanceof RemoteError && error.remoteCode === 'unsupported';
  }
  return played;
}

function checkSolved(demo: ExpertEpisode): void {
  expect(!demo.failure, demo.failure ?? '');
  const verdict = demo.verdict!;
  expect(
    verdict.reward === 1 && verdict.success,
    `the expert got reward ${verdict.reward}: ${verdict.detail} (fix the family's expert, or its reference if the verdict says the family is broken)`,
  );
}

function checkGrounded(demo: ExpertEpisode): void {
  expect(
    demo.ungrounded.length === 0,
    `the expert used values the episode never showed (show them in the instruction or an observation first, or list them in the step's derived with the shown values they come from):\n  ${demo.ungrounded.join('\n  ')}`,
  );
}

function checkRationale(demo: ExpertEpisode): void {
  expect(
    demo.silentSteps.length === 0,
    `the expert gave no reason at step(s) ${demo.silentSteps.join(', ')} (give every ExpertStep a text saying why, from what was shown)`,
  );
}

/** Plays the expert's `strategy` (a near-miss, a relaxation, a guess) to the end and returns the verdict. */
async function playStrategy(ctx: Ctx, maxSteps: number, strategy: string): Promise<Decoded<Verdict>> {
  return withSession(ctx, maxSteps, async (reset) => {
    let reply: StepReply | undefined;
    for (let step = 1; step <= maxSteps && !(reply?.terminated || reply?.truncated); step++) {
      const action = await ctx.client.expert(reset.session, { strategy });
      expect(action.calls.length > 0, `${strategy} returned no tool call at step ${step}`);
      reply = await ctx.client.step(reset.session, action.calls);
    }
    expect(reply !== undefined, `${strategy} took no step`);
    return checkEnded(reply, strategy, ctx.components);
  });
}

/** The case a near-miss is reported as: the kit's own are the `collateral` and `muted` cases. */
function nearMissCheck(nearMiss: string): string {
  return nearMiss === COLLATERAL || nearMiss === MUTED ? nearMiss : `near-miss ${nearMiss} does not succeed`;
}

/**
 * A people family: the expert asking every fact in each of its paraphrases solves the task and
 * hears the same answers, and a message that asks for nothing specific gets none of them.
 */
async function checkParaphrases(ctx: Ctx, maxSteps: number): Promise<string> {
  const demos: ExpertEpisode[] = [];
  for (const strategy of PARAPHRASE_STRATEGIES) {
    const demo = await expertEpisode(ctx, maxSteps, strategy);
    expect(
      !demo.failure && demo.verdict?.success === true,
      `the expert asking in the words of ${strategy} did not solve the task: ${demo.failure ?? demo.verdict?.detail}`,
    );
    demos.push(demo);
  }
  const heard = demos.map((demo) => demo.turns.map((t) => `${t.who} (${t.channel}): ${t.text}`).join('\n'));
  expect(heard[0] !== '', "the expert heard no person (a people family's expert asks them what only they know)");
  const differ = heard.findIndex((h) => h !== heard[0]);
  expect(differ < 0, `the same questions in other words got other answers:\n${heard[0]}\n-- and with ${PARAPHRASE_STRATEGIES[differ]} --\n${heard[differ]}`);
  const turns = demos[0]!.turns;
  const answers = turns.map((t) => t.text);
  const reachable = [...new Set(turns.filter((t) => t.channel === MESSAGE).map((t) => t.who))];
  for (const who of reachable) {
    await withSession(ctx, maxSteps, async (reset) => {
      for (const text of GENERIC_PROBES) {
        const reply = await ctx.client.step(reset.session, [{ id: 'probe', name: MESSAGE, argumentsJson: JSON.stringify({ to: who, text }) }]);
        const leaked = reply.results.flatMap((r) => r.people).find((t) => answers.some((a) => t.text.includes(a)));
        expect(!leaked, `${who} answered ${JSON.stringify(text)}, which asks for nothing, with ${JSON.stringify(leaked?.text)}`);
      }
    });
  }
  return `${PARAPHRASE_STRATEGIES.length} paraphrases got the same answers; ${reachable.length} person(s) answered ${GENERIC_PROBES.length} generic messages with nothing private`;
}

/** An adversarial attempt the family names must end without success (the kit's `collateral` one on its `no_collateral` guard). */
async function checkNearMiss(ctx: Ctx, maxSteps: number, nearMiss: string): Promise<void> {
  const verdict = await playStrategy(ctx, maxSteps, nearMiss);
  if (nearMiss === COLLATERAL) {
    expect(
      !verdict.success && verdict.components?.[NO_COLLATERAL] === 0,
      `the expert's work plus one change the task does not expect was not caught (success ${verdict.success}, no_collateral ${verdict.components?.[NO_COLLATERAL]}): ${verdict.detail} (take every changeable thing into Session.state and expect only the task's own changes)`,
    );
    return;
  }
  expect(
    !verdict.success && verdict.reward < 1,
    `the near-miss got reward ${verdict.reward} (success ${verdict.success}): ${verdict.detail} (the verifier accepts an attempt that games it: judge against the task's generated truth, not state the agent could edit, or draw the task so this attempt fails on every seed)`,
  );
}

async function checkDoingNothing(ctx: Ctx): Promise<void> {
  // One step of budget spent on a call that does nothing: the limit truncates the episode.
  await withSession(ctx, 1, async (reset) => {
    const reply = await ctx.client.step(reset.session, [{ id: 'noop', name: 'no_such_tool_xyz', argumentsJson: '{}' }]);
    expect(reply.truncated && !reply.terminated, 'reaching max_steps must set truncated (and not terminated)');
    const verdict = checkEnded(reply, 'doing nothing', ctx.components);
    expect(
      verdict.reward === 0 && !verdict.success,
      `doing nothing got reward ${verdict.reward} (the starting state must score 0: the verifier pays for work not done)`,
    );
  });
}

async function checkSubmitAtOnce(ctx: Ctx): Promise<void> {
  await withSession(ctx, 0, async (reset) => {
    if (!reset.tools.some((t) => t.name === 'submit')) return;
    const reply = await ctx.client.step(reset.session, [{ id: 'submit', name: 'submit', argumentsJson: '{}' }]);
    expect(reply.terminated, 'submit must terminate the episode');
    const verdict = checkEnded(reply, 'submit at once', ctx.components);
    expect(
      verdict.reward === 0 && !verdict.success,
      `submitting at once got reward ${verdict.reward} (the starting state must score 0: the verifier pays for work not done)`,
    );
  });
}

/** `report_infeasible` at once: it earns nothing on a feasible seed (giving up is never a strategy). */
async function checkReportAtOnce(ctx: Ctx): Promise<void> {
  await withSession(ctx, 0, async (reset) => {
    if (!reset.tools.some((t) => t.name === REPORT_INFEASIBLE)) return;
    const verdict = await reportAtOnce(ctx, reset.session);
    if (verdict.infeasible) return;
    expect(
      verdict.reward === 0 && !verdict.success,
      `reporting a feasible task infeasible got reward ${verdict.reward} (the report must earn nothing where the task can be done)`,
    );
  });
}

async function reportAtOnce(ctx: Ctx, session: string): Promise<Decoded<Verdict>> {
  const reply = await ctx.client.step(session, [{ id: 'report', name: REPORT_INFEASIBLE, argumentsJson: JSON.stringify({ reason: 'conformance check' }) }]);
  expect(reply.terminated, `${REPORT_INFEASIBLE} must terminate the episode`);
  return checkEnded(reply, `${REPORT_INFEASIBLE} at once`, ctx.components);
}

/**
 * A family listing `infeasible`: reporting at once succeeds exactly on its infeasible seeds, a
 * share of 20-30%, and earns nothing elsewhere; on the first two infeasible seeds the expert
 * solves the task (by finding out and reporting), and no near-miss, nothing done or an early
 * submit succeeds.
 */
async function checkInfeasible(
  ctx: Ctx,
  family: DecodedTaskFamily,
  seeds: readonly number[],
  maxSteps: number,
  lanes: number,
  noExpert: boolean,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const record = async (check: string, seed: number | undefined, body: () => Promise<void | string>) => {
    const where = { family: family.id, ...(seed !== undefined ? { seed } : {}) };
    try {
      const detail = await body();
      results.push({ check, ...where, ok: true, ...(detail ? { detail } : {}) });
    } catch (error) {
      results.push({ check, ...where, ok: false, message: (error as Error).message });
    }
  };
  let infeasible: number[] = [];
  await record('infeasible', undefined, async () => {
    const verdicts = await eachSeed(seeds, lanes, (seed) => withSession({ ...ctx, seed }, 0, (reset) => reportAtOnce({ ...ctx, seed }, reset.session)));
    infeasible = seeds.filter((_, i) => verdicts[i]!.infeasible);
    const wrong = seeds.filter((seed, i) => verdicts[i]!.success !== verdicts[i]!.infeasible || (!verdicts[i]!.infeasible && verdicts[i]!.shapedReward > 0));
    expect(
      wrong.length === 0,
      `reporting at once was judged wrong on seeds ${wrong.join(', ')} (it must succeed exactly where Verdict.infeasible is set, and earn nothing elsewhere)`,
    );
    const share = infeasible.length / seeds.length;
    expect(
      share >= INFEASIBLE_SHARE.min && share <= INFEASIBLE_SHARE.max,
      `${infeasible.length} of ${seeds.length} seeds are infeasible; a family listing "infeasible" has ${INFEASIBLE_SHARE.min * 100}-${INFEASIBLE_SHARE.max * 100}%`,
    );
    return `infeasible seeds ${infeasible.join(', ')} of ${seeds.length}: reporting at once succeeds there and earns 0 elsewhere`;
  });
  for (const seed of infeasible.slice(0, 2)) {
    const at = { ...ctx, seed };
    if (!noExpert) {
      const demo = await expertEpisode(at, maxSteps, '');
      await record('infeasible seed: expert solves the task', seed, async () => {
        checkSolved(demo);
        checkGrounded(demo);
        checkRationale(demo);
      });
      for (const nearMiss of family.nearMisses) await record(`infeasible seed: ${nearMissCheck(nearMiss)}`, seed, () => checkNearMiss(at, maxSteps, nearMiss));
    }
    await record('infeasible seed: doing nothing fails', seed, () => checkDoingNothing(at));
    await record('infeasible seed: submitting at once fails', seed, () => checkSubmitAtOnce(at));
  }
  return results;
}

async function expectEpisodeOver(ctx: Ctx, session: string): Promise<void> {
  try {
    await ctx.client.step(session, [{ id: 'late', name: 'submit', argumentsJson: '{}' }]);
  } catch (error) {
    if (error instanceof RemoteError && error.remoteCode === 'episode_over') return;
    throw error;
  }
  throw new Error('a step after the episode ended was accepted');
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRun, type EpisodeRecord, type RunWriter } from '@workgym/trajectories';

/** One step of an episode as the app tests need it; everything else takes the rollout's usual shape. */
export interface StepSpec {
  observation: string;
  images?: string[];
  candidates?: { name: string; args: object }[];
  text?: string;
  call: { name: string; args: object };
  result: string;
  people?: { who: string; name: string; channel: string; text: string }[];
}

export interface EpisodeSpec {
  episodeId: string;
  env: string;
  family: string;
  seed: number;
  success: boolean;
  status?: string;
  instruction?: string;
  steps?: StepSpec[];
  stateChanges?: { key: string; before?: string; after?: string }[];
  verdictDetail?: string;
  attempts?: number;
  selfEvaluation?: number;
}

export function record(spec: EpisodeSpec): EpisodeRecord {
  const steps = spec.steps ?? [{ observation: `page of ${spec.episodeId}`, call: { name: 'submit', args: { answer: 'done' } }, result: 'submitted' }];
  const started = 1_760_000_000_000 + spec.seed * 1000;
  return {
    runId: 'run-app',
    episodeId: spec.episodeId,
    groupId: `g-${spec.family}-${spec.seed}`,
    env: spec.env,
    family: spec.family,
    job: spec.env === 'code' ? 'software-engineer' : 'customer-support',
    seed: spec.seed,
    split: spec.seed % 3 === 0 ? 'test' : 'train',
    difficulty: ['easy', 'medium', 'hard'][spec.seed % 3]!,
    instruction: spec.instruction ?? `Task ${spec.family} seed ${spec.seed}: do the thing.`,
    tools: [{ name: steps[0]!.call.name, description: 'A tool.', parametersJson: '{"type":"object"}' }],
    toolsHash: '',
    agent: { kind: 'openai', model: 'qwen3-8b', contextPolicy: 'full', systemPrompt: '' },
    steps: steps.map((step, i) => ({
      index: i,
      observation: {
        text: step.observation,
        rawSize: step.observation.length,
        images: (step.images ?? []).map((sha256) => ({ sha256, mimeType: 'image/png', size: 1, label: 'screenshot' })),
        dataJson: '',
        candidates: (step.candidates ?? []).map((c, k) => ({ id: `cand_${k}`, name: c.name, argumentsJson: JSON.stringify(c.args) })),
      },
      text: step.text ?? '',
      toolCalls: [{ id: `call_${i}`, name: step.call.name, argumentsJson: JSON.stringify(step.call.args) }],
      rawOutput: step.text ? `${step.text}<tool_call>${JSON.stringify(step.call)}</tool_call>` : '',
      usage: { promptTokens: 500 + 100 * i, completionTokens: 20 + i },
      results: [{ callId: `call_${i}`, text: step.result, errorKind: '', errorMessage: '', people: step.people ?? [] }],
      reward: i === steps.length - 1 && spec.success ? 1 : 0,
      terminated: i === steps.length - 1,
      truncated: false,
      errorKind: '',
    })),
    finalReward: spec.success ? 1 : 0,
    rewardComponents: { done: spec.success ? 1 : 0, guard: 1 },
    success: spec.success,
    status: spec.status ?? (spec.success ? 'success' : 'failure'),
    infeasible: false,
    attempts: spec.attempts ?? 1,
    errorMessage: spec.status === 'infra_error' ? 'container exited' : '',
    timings: { startedAtMs: started, endedAtMs: started + 3000 + spec.seed * 100, totalMs: 3000 + spec.seed * 100 },
    ...(spec.selfEvaluation !== undefined ? { selfEvaluation: spec.selfEvaluation } : {}),
    verdictDetail: spec.verdictDetail ?? '',
    stateChanges: spec.stateChanges ?? [],
  };
}

export async function writeRun(dir: string, specs: (screenshot: string) => EpisodeSpec[], screenshotPng: Uint8Array, open = false): Promise<RunWriter> {
  const writer = await createRun(dir, { spec: { agent: 'openai', model: 'qwen3-8b', contextPolicy: 'full' } });
  const screenshot = await writer.putBlob(screenshotPng);
  for (const spec of specs(screenshot)) await writer.append(record(spec));
  if (open) {
    await writer.flush();
    return writer;
  }
  await writer.finalize();
  await writer.close();
  return writer;
}

const FAMILIES = [
  ['browser', 'browser/shop-buy-cheapest'],
  ['code', 'code/fix-bug'],
  ['spreadsheet', 'spreadsheet/pivot-sum'],
] as const;

/** The three episodes the tests open, one per env, each with what its env view shows. */
export function featuredEpisodes(screenshot: string): EpisodeSpec[] {
  return [
    {
      episodeId: 'browser-shop-1',
      env: 'browser',
      family: 'browser/shop-buy-cheapest',
      seed: 1,
      success: true,
      instruction: 'Buy the cheapest kettle and report the order number.',
      verdictDetail: 'order 17 holds the cheapest kettle',
      selfEvaluation: 0.9,
      steps: [
        {
          observation: '[12] button "Add kettle to cart"\n[13] button "Add toaster to cart"',
          images: [screenshot],
          candidates: [
            { name: 'click', args: { id: 12 } },
            { name: 'click', args: { id: 13 } },
          ],
          text: 'The kettle is cheapest.',
          call: { name: 'click', args: { id: 12 } },
          result: 'clicked [12]',
        },
        {
          observation: '[20] button "Checkout"',
          images: [screenshot],
          call: { name: 'message', args: { to: 'dana.kim', text: 'Which address?' } },
          result: 'sent',
          people: [{ who: 'dana.kim', name: 'Dana Kim', channel: 'message', text: 'Ship it to the office.' }],
        },
        { observation: '[30] text "Order 17 placed"', call: { name: 'submit', args: { answer: '17' } }, result: 'submitted' },
      ],
      stateChanges: [{ key: 'site:shop/orders/17', after: '{"id":17,"item":"kettle","price":19.5}' }],
    },
    {
      episodeId: 'code-fix-1',
      env: 'code',
      family: 'code/fix-bug',
      seed: 1,
      success: false,
      selfEvaluation: 0.8,
      steps: [{ observation: '$ pytest\n1 failed', call: { name: 'write_file', args: { path: 'src/calc.py' } }, result: 'written' }],
      stateChanges: [
        { key: 'file:src/calc.py', before: 'def add(a, b):\n    return a - b\n', after: 'def add(a, b):\n    return a + b\n' },
        { key: 'file:NOTES.md', after: 'fixed add\n' },
      ],
    },
    {
      episodeId: 'sheet-sum-1',
      env: 'spreadsheet',
      family: 'spreadsheet/pivot-sum',
      seed: 1,
      success: true,
      selfEvaluation: 0.7,
      steps: [{ observation: 'Summary!B2 empty', call: { name: 'write_cell', args: { cell: 'B2', value: '=SUM(Data!B2:B9)' } }, result: 'B2 = 1200' }],
      stateChanges: [{ key: 'cell:Summary!B2', before: '{"value":0}', after: '{"formula":"=SUM(Data!B2:B9)","value":1200}' }],
    },
  ];
}

/** The featured episodes and 27 more over three families; `flip` turns some outcomes around (a second run to compare). */
export function runEpisodes(screenshot: string, flip = false): EpisodeSpec[] {
  const more: EpisodeSpec[] = [];
  for (let seed = 2; seed <= 10; seed++)
    for (const [env, family] of FAMILIES) {
      const success = (seed % 2 === 0) !== (flip && seed % 4 === 0);
      const status = seed === 7 ? 'infra_error' : seed === 9 && env === 'code' ? 'people_error' : undefined;
      more.push({
        episodeId: `${env}-${seed}`,
        env,
        family,
        seed,
        success: success && !status,
        status,
        attempts: seed === 7 ? 3 : 1,
        selfEvaluation: seed / 11,
      });
    }
  return [...featuredEpisodes(screenshot), ...more];
}

/** What `workgym train` and `transfer` write: curves, test curves with Wilson bounds, a comparison and a transfer matrix. */
export async function writeTrainingFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const curves = ['iteration,env,episodes,mean_reward,success_rate,zero_variance_groups,groups'];
  const tests = ['iteration,env,episodes,successes,success_rate,low,high,mean_reward'];
  for (let it = 0; it <= 4; it++)
    for (const env of ['code', 'spreadsheet']) {
      const rate = 0.1 + it * 0.15 + (env === 'code' ? 0.05 : 0);
      curves.push(`${it},${env},32,${(0.2 + rate * 0.7).toFixed(3)},${rate.toFixed(3)},2,8`);
      tests.push(
        `${it},${env},30,${Math.round(rate * 30)},${rate.toFixed(3)},${Math.max(0, rate - 0.15).toFixed(3)},${Math.min(1, rate + 0.15).toFixed(3)},${rate.toFixed(3)}`,
      );
    }
  await writeFile(join(dir, 'curves.csv'), curves.join('\n') + '\n');
  await writeFile(join(dir, 'test-curves.csv'), tests.join('\n') + '\n');
  const rate = (successes: number, n: number) => ({
    successes,
    n,
    rate: successes / n,
    low: Math.max(0, successes / n - 0.15),
    high: Math.min(1, successes / n + 0.15),
  });
  const versus = (difference: number, low: number, high: number, differs: boolean) => ({
    pairs: 30,
    difference,
    low,
    high,
    mcnemarP: differs ? 0.001 : 0.2,
    onlyUntrained: 1,
    onlyTrained: Math.round(difference * 30) + 1,
    differs,
  });
  await writeFile(
    join(dir, 'comparison.json'),
    JSON.stringify({
      from: 0,
      to: 4,
      rows: [
        {
          scope: 'total',
          key: 'all',
          comparison: { pairs: 60, a: rate(8, 60), b: rate(44, 60), onlyA: 1, onlyB: 37, difference: 0.6, low: 0.45, high: 0.73, mcnemarP: 0.001 },
        },
      ],
    }),
  );
  await writeFile(
    join(dir, 'transfer.json'),
    JSON.stringify({
      trainSets: [
        { name: 'untrained', envs: [] },
        { name: 'code', envs: ['code'] },
        { name: 'code+spreadsheet', envs: ['code', 'spreadsheet'] },
      ],
      testEnvs: ['code', 'spreadsheet'],
      cells: [
        { trainSet: 'untrained', testEnv: 'code', success: rate(3, 30) },
        { trainSet: 'untrained', testEnv: 'spreadsheet', success: rate(2, 30) },
        { trainSet: 'code', testEnv: 'code', success: rate(21, 30), vsUntrained: versus(0.6, 0.42, 0.78, true) },
        { trainSet: 'code', testEnv: 'spreadsheet', success: rate(6, 30), vsUntrained: versus(0.13, -0.03, 0.3, false) },
        { trainSet: 'code+spreadsheet', testEnv: 'code', success: rate(20, 30), vsUntrained: versus(0.57, 0.38, 0.75, true) },
        { trainSet: 'code+spreadsheet', testEnv: 'spreadsheet', success: rate(24, 30), vsUntrained: versus(0.73, 0.55, 0.88, true) },
      ],
      differsBelowP: 0.05,
    }),
  );
}

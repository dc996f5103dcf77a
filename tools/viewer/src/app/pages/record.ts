/**
 * The parts of an EpisodeRecord (as JSON, camelCase, normalised) the episode page reads. Every
 * field is read defensively: the record is untrusted and older runs lack newer fields.
 */
import { durationSeconds } from '../../model/record-facts.js';

export interface ToolCallView {
  id: string;
  name: string;
  argumentsJson: string;
}

export interface PersonTurnView {
  who: string;
  name: string;
  channel: string;
  text: string;
}

export interface ResultView {
  callId: string;
  text: string;
  errorKind: string;
  errorMessage: string;
  people: PersonTurnView[];
}

export interface ImageView {
  sha256: string;
  mimeType: string;
  label: string;
}

export interface StepView {
  index: number;
  observation: { text: string; rawSize: number; images: ImageView[]; candidates: ToolCallView[] };
  text: string;
  rawOutput: string;
  toolCalls: ToolCallView[];
  results: ResultView[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  errorKind: string;
  injected: boolean;
  strategy: string;
  usage: { promptTokens: number; completionTokens: number };
}

export interface RecordView {
  episodeId: string;
  env: string;
  family: string;
  job: string;
  seed: number;
  split: string;
  difficulty: string;
  instruction: string;
  status: string;
  success: boolean;
  infeasible: boolean;
  finalReward: number;
  rewardMode: string;
  shapedReward?: number;
  rewardComponents: Record<string, number>;
  selfEvaluation?: number;
  verdictDetail: string;
  stateChangesTruncated: boolean;
  errorMessage: string;
  attempts: number;
  /** Seconds from the episode's start to its end; 0 when the record has no timings. */
  seconds: number;
  agent: { kind: string; model: string; contextPolicy: string };
  steps: StepView[];
}

type Json = Record<string, unknown>;

const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : Number(value) || 0);
const optNum = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function toolCall(value: unknown): ToolCallView {
  const call = obj(value);
  return { id: str(call.id), name: str(call.name), argumentsJson: str(call.argumentsJson) };
}

function result(value: unknown): ResultView {
  const r = obj(value);
  return {
    callId: str(r.callId),
    text: str(r.text),
    errorKind: str(r.errorKind),
    errorMessage: str(r.errorMessage),
    people: arr(r.people).map((p) => {
      const turn = obj(p);
      return { who: str(turn.who), name: str(turn.name), channel: str(turn.channel), text: str(turn.text) };
    }),
  };
}

function step(value: unknown, position: number): StepView {
  const s = obj(value);
  const observation = obj(s.observation);
  const usage = obj(s.usage);
  return {
    index: typeof s.index === 'number' ? s.index : position,
    observation: {
      text: str(observation.text),
      rawSize: num(observation.rawSize),
      images: arr(observation.images).map((i) => {
        const image = obj(i);
        return { sha256: str(image.sha256), mimeType: str(image.mimeType), label: str(image.label) };
      }),
      candidates: arr(observation.candidates).map(toolCall),
    },
    text: str(s.text),
    rawOutput: str(s.rawOutput),
    toolCalls: arr(s.toolCalls).map(toolCall),
    results: arr(s.results).map(result),
    reward: num(s.reward),
    terminated: s.terminated === true,
    truncated: s.truncated === true,
    errorKind: str(s.errorKind),
    injected: s.injected === true,
    strategy: str(s.strategy),
    usage: { promptTokens: num(usage.promptTokens), completionTokens: num(usage.completionTokens) },
  };
}

export function readRecord(record: Record<string, unknown>): RecordView {
  const agent = obj(record.agent);
  const components = obj(record.rewardComponents);
  return {
    episodeId: str(record.episodeId),
    env: str(record.env),
    family: str(record.family),
    job: str(record.job),
    seed: num(record.seed),
    split: str(record.split),
    difficulty: str(record.difficulty),
    instruction: str(record.instruction),
    status: str(record.status),
    success: record.success === true,
    infeasible: record.infeasible === true,
    finalReward: num(record.finalReward),
    rewardMode: str(record.rewardMode),
    shapedReward: optNum(record.shapedReward),
    rewardComponents: Object.fromEntries(Object.keys(components).map((key) => [key, num(components[key])])),
    selfEvaluation: optNum(record.selfEvaluation),
    verdictDetail: str(record.verdictDetail),
    stateChangesTruncated: record.stateChangesTruncated === true,
    errorMessage: str(record.errorMessage),
    attempts: num(record.attempts),
    seconds: durationSeconds(record),
    agent: { kind: str(agent.kind), model: str(agent.model), contextPolicy: str(agent.contextPolicy) },
    steps: arr(record.steps).map(step),
  };
}

/** The result of a call: by its id, else by its position (calls without ids). */
export function resultOf(s: StepView, call: ToolCallView, position: number): ResultView | undefined {
  return (call.id ? s.results.find((r) => r.callId === call.id) : undefined) ?? s.results[position];
}

/** Whether a candidate is what the step did: same tool, same arguments (compared as parsed JSON). */
export function isChosen(s: StepView, candidate: ToolCallView): boolean {
  return s.toolCalls.some((call) => call.name === candidate.name && canonical(call.argumentsJson) === canonical(candidate.argumentsJson));
}

function canonical(json: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(json || '{}')));
  } catch {
    return json;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Json)[key])]),
    );
  return value;
}

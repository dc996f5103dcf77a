/**
 * What the background scan keeps of each record: its searchable text, its duration and its
 * self-evaluation. Records are read as plain objects (the store's decoded shape), since every
 * field may be missing in older runs.
 */

/** Per episode, the searchable text is cut here: 100,000 episodes hold at most ~200 MB of it (~20 MB typically). */
export const TEXT_CAP = 2048;

interface LooseRecord {
  instruction?: string | null;
  steps?: { toolCalls?: { name?: string | null; argumentsJson?: string | null }[] | null }[] | null;
  timings?: { totalMs?: number | null; startedAtMs?: number | null; endedAtMs?: number | null } | null;
  selfEvaluation?: number | null;
  success?: boolean | null;
}

export interface RecordFacts {
  text: string;
  durationSeconds?: number;
  selfEvaluation?: number;
}

export function recordFacts(record: object): RecordFacts {
  const r = record as LooseRecord;
  const facts: RecordFacts = { text: searchText(r) };
  const seconds = durationSeconds(r);
  if (seconds > 0) facts.durationSeconds = seconds;
  if (typeof r.selfEvaluation === 'number' && Number.isFinite(r.selfEvaluation)) facts.selfEvaluation = r.selfEvaluation;
  return facts;
}

function searchText(r: LooseRecord): string {
  const parts: string[] = [r.instruction ?? ''];
  let length = parts[0]!.length;
  for (const step of r.steps ?? []) {
    for (const call of step.toolCalls ?? []) {
      if (length >= TEXT_CAP) break;
      const part = `${call.name ?? ''} ${call.argumentsJson ?? ''}`;
      parts.push(part);
      length += part.length + 1;
    }
  }
  return parts.join('\n').slice(0, TEXT_CAP).toLowerCase();
}

/** Seconds from the episode's start to its end; 0 when the record has no timings. */
export function durationSeconds(record: object): number {
  const t = (record as LooseRecord).timings;
  const ms = !t ? 0 : t.totalMs || (t.startedAtMs && t.endedAtMs ? t.endedAtMs - t.startedAtMs : 0);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}

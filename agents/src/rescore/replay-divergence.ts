import type { EpisodeRecord, ObservationRecord, StepRecord } from '@workgym/trajectories';

/** Where a replay first showed something other than what the recorded episode saw. */
export interface Divergence {
  /** The step whose observation, results or end differ; the shorter length when one episode ran longer. */
  step: number;
  what: string;
}

/**
 * Compares a replay with the episode it replayed, step by step: the number of steps; each
 * observation's text, data and candidate actions (name and arguments); its images' count, type
 * and label (not their pixels: a screenshot's antialiasing may differ between two renderings of
 * the same page); each call's result text and error kind; the step's error kind and whether it
 * ended the episode. Left out, because they differ between two runs of the same episode by
 * design: timings (the record's, and durations and temp folder names inside texts: see `maskVolatile`), ids, image
 * bytes, raw sizes (a duration's width changes them), and the verdict (what a rescore
 * re-computes).
 */
export function replayDivergence(recorded: EpisodeRecord, replayed: EpisodeRecord): Divergence | undefined {
  const before = recorded.steps ?? [];
  const after = replayed.steps ?? [];
  for (let i = 0; i < Math.min(before.length, after.length); i++) {
    const what = stepDifference(before[i]!, after[i]!);
    if (what) return { step: i, what };
  }
  if (before.length !== after.length) {
    return { step: Math.min(before.length, after.length), what: `the replay took ${after.length} steps, the recorded episode ${before.length}` };
  }
  return undefined;
}

/**
 * A text with what legitimately differs between two runs of one episode masked: the durations a
 * tool prints ("(878 ms)", "Ran 3 tests in 0.011s", "duration_ms: 2.21") and the random part
 * of a temp folder's name (`/tmp/workgym-code-dlHweU/`, where the local runtime's code env keeps
 * its workspace). Nothing else in the text may differ.
 */
export function maskVolatile(text: string): string {
  return text
    .replace(/(\/tmp\/[\w.-]*-)[A-Za-z0-9]{6}\b/g, '$1<random>')
    .replace(/\b(duration_ms:?\s*)\d+(?:\.\d+)?/g, '$1<duration>')
    .replace(/\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds|us|µs|ns)\b/g, '<duration>');
}

const sameText = (a: string | null | undefined, b: string | null | undefined): boolean => maskVolatile(a ?? '') === maskVolatile(b ?? '');

function stepDifference(a: StepRecord, b: StepRecord): string | undefined {
  const observation = observationDifference(a.observation ?? {}, b.observation ?? {});
  if (observation) return observation;
  const ra = a.results ?? [];
  const rb = b.results ?? [];
  if (ra.length !== rb.length) return `${rb.length} call results instead of ${ra.length}`;
  for (let i = 0; i < ra.length; i++) {
    if (!sameText(ra[i]!.text, rb[i]!.text)) return `the result of call ${i + 1} reads differently`;
    if ((ra[i]!.errorKind ?? '') !== (rb[i]!.errorKind ?? ''))
      return `call ${i + 1} failed with ${JSON.stringify(rb[i]!.errorKind ?? '')}, not ${JSON.stringify(ra[i]!.errorKind ?? '')}`;
  }
  if ((a.errorKind ?? '') !== (b.errorKind ?? ''))
    return `the step's error kind is ${JSON.stringify(b.errorKind ?? '')}, not ${JSON.stringify(a.errorKind ?? '')}`;
  if (Boolean(a.terminated) !== Boolean(b.terminated) || Boolean(a.truncated) !== Boolean(b.truncated)) return 'the step ends the episode differently';
  return undefined;
}

function observationDifference(a: ObservationRecord, b: ObservationRecord): string | undefined {
  if (!sameText(a.text, b.text)) return 'the observation text differs';
  if ((a.dataJson ?? '') !== (b.dataJson ?? '')) return 'the observation data differs';
  const ca = (a.candidates ?? []).map((c) => `${c.name ?? ''} ${c.argumentsJson ?? ''}`);
  const cb = (b.candidates ?? []).map((c) => `${c.name ?? ''} ${c.argumentsJson ?? ''}`);
  if (ca.join('\n') !== cb.join('\n')) return 'the candidate actions differ';
  const ia = (a.images ?? []).map((i) => `${i.mimeType ?? ''} ${i.label ?? ''}`);
  const ib = (b.images ?? []).map((i) => `${i.mimeType ?? ''} ${i.label ?? ''}`);
  if (ia.join('\n') !== ib.join('\n')) return 'the observation images differ';
  return undefined;
}

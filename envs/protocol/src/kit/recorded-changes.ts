import type { StateChange } from './state.js';

/**
 * Changes one verdict carries at most (the first by key): every episode record keeps them, so a
 * run of 100,000 episodes must stay small, and a person reading an episode reads no more.
 */
export const MAX_RECORDED_CHANGES = 200;
/** Bytes of one recorded value: a whole text file as the code env presents it (64 KiB) fits; a longer value is cut. */
export const MAX_RECORDED_VALUE_BYTES = 64 * 1024;
/** Bytes of values in one verdict: past them later changes are left out, so one record stays near a megabyte at most. */
export const MAX_RECORDED_TOTAL_BYTES = 1024 * 1024;

/** A change as a verdict records it: `truncated` when a value was cut to `MAX_RECORDED_VALUE_BYTES`. */
export interface RecordedChange extends StateChange {
  truncated?: boolean;
}

/** The verdict's fields for what changed (Verdict.changes, Verdict.changes_truncated). */
export interface RecordedChanges {
  changes: RecordedChange[];
  changesTruncated: boolean;
}

/** How a session shows changes to a person (`Session.presentChanges`). */
export type PresentChanges = (changes: StateChange[]) => Promise<StateChange[]>;

/**
 * `changes` (sorted by key) as a verdict records them: the first `MAX_RECORDED_CHANGES`, shown
 * the way the session presents them (`present`), each value capped, all values within
 * `MAX_RECORDED_TOTAL_BYTES`; `changesTruncated` when any was left out.
 */
export async function recordChanges(changes: readonly StateChange[], present?: PresentChanges): Promise<RecordedChanges> {
  const first = changes.slice(0, MAX_RECORDED_CHANGES);
  const shown = present ? await present(first) : first;
  const recorded: RecordedChange[] = [];
  let total = 0;
  for (const change of shown) {
    const capped = capValues(change);
    total += Buffer.byteLength(capped.before ?? '') + Buffer.byteLength(capped.after ?? '');
    if (total > MAX_RECORDED_TOTAL_BYTES) break;
    recorded.push(capped);
  }
  return { changes: recorded, changesTruncated: recorded.length < changes.length };
}

function capValues(change: StateChange): RecordedChange {
  const before = change.before === undefined ? undefined : capBytes(change.before);
  const after = change.after === undefined ? undefined : capBytes(change.after);
  const truncated = before !== change.before || after !== change.after;
  return {
    key: change.key,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    ...(truncated ? { truncated } : {}),
  };
}

/** `text` itself, or its first `MAX_RECORDED_VALUE_BYTES` bytes cut on a character boundary. */
function capBytes(text: string): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= MAX_RECORDED_VALUE_BYTES) return text;
  let end = MAX_RECORDED_VALUE_BYTES;
  // A UTF-8 continuation byte (10xxxxxx) is inside a character: cut before the character it belongs to.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

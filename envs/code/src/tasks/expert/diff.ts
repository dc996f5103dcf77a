/** One block of whole lines to replace in a file, as edit_file takes it. */
export interface Region {
  /** The lines of the current file (joined by \n), occurring exactly once in it. */
  old: string;
  /** The lines that replace them. */
  new: string;
  /** The 1-based line where `old` starts. */
  line: number;
}

/**
 * The smallest block of whole lines whose replacement turns `current` into `target`, widened
 * with unchanged neighbours until it is not blank and occurs once in `current` (so edit_file
 * accepts it). Undefined when the texts are equal.
 */
export function changedRegion(current: string, target: string): Region | undefined {
  if (current === target) return undefined;
  const a = current.split('\n');
  const b = target.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  for (;;) {
    const old = a.slice(start, endA).join('\n');
    const whole = start === 0 && endA === a.length;
    if (whole || (old.trim() !== '' && occurrences(current, old) === 1)) {
      return { old, new: b.slice(start, endB).join('\n'), line: start + 1 };
    }
    if (endA < a.length) {
      endA += 1;
      endB += 1;
    } else {
      start -= 1;
    }
  }
}

function occurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) count += 1;
  return count;
}

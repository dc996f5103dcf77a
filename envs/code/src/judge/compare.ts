/** Compares two JSON values; numbers within a relative 1e-9 (different but equal-valued float sums). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** Output files compare equal up to line endings and trailing whitespace. */
export function normalizeOutput(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trimEnd();
}

/** Answers compare equal up to case, surrounding quotes, spacing, a final period, ./ prefixes and number format. */
export function normalizeAnswer(text: string, workspace: string): string {
  let t = text
    .trim()
    .replace(/^["'`]+|["'`]+$/g, '')
    .trim()
    .replace(/\.$/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
  const prefix = workspace.toLowerCase().replace(/\/?$/, '/');
  if (t.startsWith(prefix)) t = t.slice(prefix.length);
  t = t.replace(/^\.\//, '');
  if (/^-?\d+(\.\d+)?$/.test(t)) t = String(Number(t));
  return t;
}

/** Lower-case word and number tokens, unique, in order of first appearance, at most `max`. */
export function tokens(text: string, max: number): string[] {
  const seen = new Set<string>();
  for (const match of text.toLowerCase().matchAll(/[a-z_][a-z0-9_]*|\d+(?:\.\d+)?/g)) {
    const token = match[0];
    if (token.length > 32) continue;
    seen.add(token);
    if (seen.size >= max) break;
  }
  return [...seen];
}

export function numbers(text: string, max: number): number[] {
  return [...text.matchAll(/-?\d+(?:\.\d+)?/g)].slice(0, max).map((m) => Number(m[0]));
}

/** Words worth matching: short function words ("to", "a") match everything and mean nothing. */
export const informative = (words: readonly string[]) => words.filter((t) => t.length >= 3 || /\d/.test(t));

/** The share of `words`' informative words found in `set` (0 when there are none). */
export function overlap(words: readonly string[], set: ReadonlySet<string>): number {
  const kept = informative(words);
  return kept.length === 0 ? 0 : kept.filter((t) => set.has(t)).length / kept.length;
}
